//! The anchored engine: every pattern in a plain byte trie, walked from one position at a
//! time (no failure links).
//!
//! Gazetteer matches must start where a word starts, so instead of running an automaton over
//! every byte, [`super::Gazetteer`] walks the trie only from word starts whose first byte can
//! begin a pattern; a walk usually dies within a few bytes. One walk yields every pattern that
//! starts there, so "the longest one ending on a word boundary" needs no second search.

/// A byte trie: the children of a node with many (the root, the first letters) in a dense
/// 256-entry table, those of every other node in a short sorted run of `edges` (most nodes
/// past the first letters have one child).
pub(super) struct PrefixTrie {
    root: Box<[u32; 256]>,
    nodes: Vec<Node>,
    /// `(byte, child)` runs of the sparse nodes, sorted by byte.
    edges: Vec<(u8, u32)>,
    /// 256-entry child tables of the dense nodes ([`NONE`] for no child).
    dense: Vec<u32>,
}

/// Nodes with more children than this get a dense table.
const DENSE_FROM: usize = 4;

#[derive(Clone, Copy)]
struct Node {
    /// Dense node: start of its table in `dense`; sparse: of its run in `edges`.
    first_edge: u32,
    /// Sparse node: the run length; [`DENSE`] for a dense node.
    edge_count: u32,
    /// The pattern ending here, or [`NO_PATTERN`].
    pattern: u32,
}

const NO_PATTERN: u32 = u32::MAX;
const DENSE: u32 = u32::MAX;
/// No child in `root`.
const NONE: u32 = u32::MAX;

impl PrefixTrie {
    /// `None` if there are more trie nodes or patterns than fit a `u32`.
    pub fn build(patterns: &[String]) -> Option<PrefixTrie> {
        // Built with per-node child lists, then flattened.
        let mut children: Vec<Vec<(u8, u32)>> = vec![Vec::new()];
        let mut pattern_at: Vec<u32> = vec![NO_PATTERN];
        for (pid, p) in patterns.iter().enumerate() {
            let mut node = 0usize;
            for &b in p.as_bytes() {
                node = match children[node].iter().find(|&&(eb, _)| eb == b) {
                    Some(&(_, child)) => child as usize,
                    None => {
                        let child = u32::try_from(children.len()).ok()?;
                        children[node].push((b, child));
                        children.push(Vec::new());
                        pattern_at.push(NO_PATTERN);
                        child as usize
                    }
                };
            }
            // The first of equal patterns wins (the table has none).
            if node != 0 && pattern_at[node] == NO_PATTERN {
                pattern_at[node] = u32::try_from(pid).ok()?;
            }
        }
        let mut root = Box::new([NONE; 256]);
        for &(b, child) in &children[0] {
            root[b as usize] = child;
        }
        let mut nodes = Vec::with_capacity(children.len());
        let mut edges = Vec::with_capacity(children.len());
        let mut dense = Vec::new();
        for (kids, &pattern) in children.iter_mut().zip(&pattern_at) {
            if kids.len() > DENSE_FROM {
                let first_edge = u32::try_from(dense.len()).ok()?;
                dense.resize(dense.len() + 256, NONE);
                for &(b, child) in kids.iter() {
                    dense[first_edge as usize + b as usize] = child;
                }
                nodes.push(Node { first_edge, edge_count: DENSE, pattern });
            } else {
                kids.sort_unstable();
                let first_edge = u32::try_from(edges.len()).ok()?;
                edges.extend_from_slice(kids);
                nodes.push(Node { first_edge, edge_count: kids.len() as u32, pattern });
            }
        }
        Some(PrefixTrie { root, nodes, edges, dense })
    }

    /// Whether a pattern may start with byte `b` (a cheap test before [`Self::for_each_at`]).
    #[inline]
    pub fn may_start(&self, b: u8) -> bool {
        self.root[b as usize] != NONE
    }

    /// Calls `f(end, pattern)` for every pattern equal to `hay[at..end]`, shortest first.
    #[inline]
    pub fn for_each_at(&self, hay: &[u8], at: usize, mut f: impl FnMut(usize, usize)) {
        let Some(rest) = hay.get(at..) else {
            return;
        };
        let Some((&first, rest)) = rest.split_first() else {
            return;
        };
        let mut node = self.root[first as usize];
        let mut end = at + 1;
        let mut rest = rest.iter();
        loop {
            let Some(n) = self.nodes.get(node as usize) else {
                return; // NONE: no pattern continues this way
            };
            if n.pattern != NO_PATTERN {
                f(end, n.pattern as usize);
            }
            let Some(&b) = rest.next() else {
                return;
            };
            let from = n.first_edge as usize;
            node = if n.edge_count == DENSE {
                // NONE when there is no child: the next `nodes.get` ends the walk.
                self.dense.get(from + b as usize).copied().unwrap_or(NONE)
            } else {
                let run = self.edges.get(from..from + n.edge_count as usize).unwrap_or_default();
                match run.iter().find(|&&(eb, _)| eb == b) {
                    Some(&(_, child)) => child,
                    None => return,
                }
            };
            end += 1;
        }
    }

    /// The longest pattern starting at `at`, as `(end, pattern)`.
    pub fn longest_at(&self, hay: &[u8], at: usize) -> Option<(usize, usize)> {
        let mut longest = None;
        self.for_each_at(hay, at, |end, p| longest = Some((end, p)));
        longest
    }
}
