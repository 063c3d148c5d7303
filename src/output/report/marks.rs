//! Highlighting: items become marks (byte range + opening tag), rendered as properly nested
//! `<span>`s over the escaped text. Marks may nest (a mention inside a quote) or cross (a
//! mention running past a quote's end): a crossing mark is closed and reopened at the
//! boundary, so the HTML is always well formed and every character keeps every highlight.

use super::html::escape_into;

/// One highlighted range of a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// Byte range of the text, `start < end`, both on char boundaries (others are dropped).
    pub start: usize,
    pub end: usize,
    /// Draw order for marks with the same range: lower ranks enclose higher ones.
    pub rank: u8,
    /// The CSS classes.
    pub class: &'static str,
    /// Hover text (escaped when written).
    pub title: String,
    /// Shown after the mark's last character as a label that is not part of the text
    /// (a quote's speaker).
    pub badge: Option<String>,
}

impl Mark {
    fn open_tag(&self, out: &mut String) {
        out.push_str("<span class=\"");
        out.push_str(self.class);
        out.push_str("\" title=\"");
        escape_into(out, &self.title);
        out.push_str("\">");
    }

    fn close_tag(&self, out: &mut String, last: bool) {
        if last {
            if let Some(badge) = &self.badge {
                out.push_str("<span class=\"badge\" data-label=\"");
                escape_into(out, badge);
                out.push_str("\"></span>");
            }
        }
        out.push_str("</span>");
    }
}

/// Writes `text` escaped with `marks` as nested spans. Marks outside the text, empty,
/// reversed or off char boundaries are ignored: a wrong offset costs a highlight, not the
/// report.
pub fn render(text: &str, mut marks: Vec<Mark>, out: &mut String) {
    marks.retain(|m| m.start < m.end && text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
    marks.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)).then(a.rank.cmp(&b.rank)));
    let mut bounds: Vec<usize> = marks.iter().flat_map(|m| [m.start, m.end]).collect();
    bounds.push(text.len());
    bounds.sort_unstable();
    bounds.dedup();

    let mut open: Vec<usize> = Vec::new();
    let mut next = 0;
    let mut pos = 0;
    for b in bounds {
        escape_into(out, &text[pos..b]);
        pos = b;
        if let Some(lowest) = open.iter().position(|&i| marks[i].end == b) {
            let mut reopen = Vec::new();
            while open.len() > lowest {
                let Some(i) = open.pop() else { break };
                let ends = marks[i].end == b;
                marks[i].close_tag(out, ends);
                if !ends {
                    reopen.push(i);
                }
            }
            for &i in reopen.iter().rev() {
                marks[i].open_tag(out);
                open.push(i);
            }
        }
        while next < marks.len() && marks[next].start == b {
            marks[next].open_tag(out);
            open.push(next);
            next += 1;
        }
    }
    for &i in open.iter().rev() {
        marks[i].close_tag(out, true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(start: usize, end: usize, rank: u8, class: &'static str) -> Mark {
        Mark { start, end, rank, class, title: class.to_string(), badge: None }
    }

    /// Renders with short tags: `<q>` for class `q` etc., so the cases stay readable.
    fn short(text: &str, marks: Vec<Mark>) -> String {
        let mut out = String::new();
        render(text, marks, &mut out);
        let mut s = out;
        for class in ["q", "m", "e", "x"] {
            s = s.replace(&format!("<span class=\"{class}\" title=\"{class}\">"), &format!("<{class}>"));
        }
        s.replace("</span>", "</>")
    }

    macro_rules! t {
        ($name:ident, $text:expr, [$(($s:expr, $e:expr, $r:expr, $c:expr)),*], $expected:expr) => {
            #[test]
            fn $name() {
                assert_eq!(short($text, vec![$(mark($s, $e, $r, $c)),*]), $expected);
            }
        };
    }

    t!(plain, "a<b", [], "a&lt;b");
    t!(single, "abcdef", [(1, 3, 0, "m")], "a<m>bc</>def");
    t!(nested, "abcdef", [(0, 6, 0, "q"), (2, 4, 3, "e")], "<q>ab<e>cd</>ef</>");
    t!(same_range_by_rank, "abc", [(0, 3, 3, "e"), (0, 3, 0, "q")], "<q><e>abc</></>");
    t!(crossing, "abcdef", [(0, 4, 0, "q"), (2, 6, 3, "e")], "<q>ab<e>cd</></><e>ef</>");
    t!(crossing_back, "abcdef", [(2, 6, 0, "q"), (0, 4, 3, "e")], "<e>ab<q>cd</></e><q>ef</>".replace("</e>", "</>"));
    t!(adjacent, "abcd", [(0, 2, 3, "e"), (2, 4, 4, "m")], "<e>ab</><m>cd</>");
    t!(
        three_deep,
        "abcdefgh",
        [(0, 8, 0, "q"), (1, 7, 1, "x"), (2, 5, 3, "e"), (3, 6, 4, "m")],
        "<q>a<x>b<e>c<m>de</></><m>f</>g</>h</>"
    );
    t!(dropped_bad_ranges, "абв", [(0, 1, 0, "q"), (4, 2, 0, "q"), (0, 99, 0, "q"), (2, 2, 0, "q")], "абв");
    t!(cyrillic, "«Мусин» 🙂", [(2, 12, 3, "e"), (15, 19, 4, "m")], "«<e>Мусин</>» <m>🙂</>");

    #[test]
    fn badge_only_after_the_last_fragment() {
        let mut q = mark(0, 4, 0, "q");
        q.badge = Some("<Мусин>".into());
        let mut out = String::new();
        render("abcdef", vec![mark(2, 6, 3, "e"), q], &mut out);
        assert_eq!(out.matches("class=\"badge\"").count(), 1);
        assert!(out.contains("data-label=\"&lt;Мусин&gt;\"></span></span><span class=\"e\""), "{out}");
    }

    #[test]
    fn output_is_balanced_for_any_marks() {
        let text = "Министр «Багдат Мусин» заявил: 500 млн ₸";
        let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        for a in 0..cuts.len() {
            for b in (a + 1)..cuts.len().min(a + 6) {
                let marks = vec![
                    mark(cuts[a], cuts[b], 3, "e"),
                    mark(cuts[a / 2], cuts[(b + 3).min(cuts.len() - 1)], 0, "q"),
                    mark(cuts[(a + 1).min(b)], cuts[b], 4, "m"),
                ];
                let mut out = String::new();
                render(text, marks, &mut out);
                // Same tag everywhere: well nested iff no prefix closes more than it opened.
                let mut depth = 0i32;
                for (i, _) in out.match_indices('<') {
                    depth += if out[i..].starts_with("</span>") { -1 } else { 1 };
                    assert!(depth >= 0, "{out}");
                }
                assert_eq!(depth, 0, "{out}");
                let stripped: String = {
                    let mut s = String::new();
                    let mut in_tag = false;
                    for c in out.chars() {
                        match c {
                            '<' => in_tag = true,
                            '>' => in_tag = false,
                            _ if !in_tag => s.push(c),
                            _ => {}
                        }
                    }
                    s
                };
                assert_eq!(stripped, text);
            }
        }
    }
}
