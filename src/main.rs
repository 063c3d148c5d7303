//! The `gazetka` command: parse flags, call the library, map outcomes to exit codes
//! (0 success, 1 failure, 2 usage).

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use gazetka::cli::{Cli, Command, DictCommand, ExtractArgs, Format};
use gazetka::corpus::InputSpec;
use gazetka::dict::check::check_entries;
use gazetka::dict::inflect::Inflector;
use gazetka::dict::{DictDirs, Severity};
use gazetka::model::EntityType;
use gazetka::output::{CsvStyle, OutputFiles, Summary};
use gazetka::pipeline::{self, RunOptions, Shard};
use gazetka::resources::Resources;

/// mimalloc, tuned for batch runs (see `gazetka::allocator`).
#[global_allocator]
static GLOBAL: gazetka::allocator::Allocator = gazetka::allocator::Allocator;

fn main() -> ExitCode {
    gazetka::allocator::configure();
    // A panic inside one document is caught and reported as a skipped document; keep the
    // default hook from printing a backtrace-looking message in the middle of a run.
    std::panic::set_hook(Box::new(|_| {}));
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Extract(ExtractArgs::default())) {
        Command::Extract(args) => extract(args),
        Command::Dict(command) => dict(command),
        Command::Merge(args) => gazetka::output::merge::merge(&args.dirs, &args.out).map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("gazetka: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn extract(args: ExtractArgs) -> anyhow::Result<ExitCode> {
    let shard = args.shard.as_deref().map(Shard::parse).transpose().map_err(anyhow::Error::msg)?;
    on_interrupt_remove_partial_files()?;
    let resources = Resources::load(DictDirs::new(args.dicts.clone()));
    for problem in &resources.diagnostics.items {
        if problem.severity == Severity::Error || !args.quiet {
            eprintln!("{problem}");
        }
    }
    let options = RunOptions {
        inputs: args.inputs.iter().map(|s| InputSpec::parse(s)).collect(),
        jobs: args.jobs,
        progress: !args.quiet,
        shard,
        batch_documents: if args.format == Format::Jsonl { 64 } else { 1024 },
    };
    let summary = match args.format {
        Format::Jsonl => {
            let mut sink = gazetka::output::stream::JsonlStream::new(std::io::BufWriter::new(std::io::stdout()));
            let summary = pipeline::run(&options, &resources, &mut sink)?;
            sink.into_inner().flush()?;
            summary
        }
        Format::Csv => {
            let mut files = OutputFiles::create(&args.out, CsvStyle { excel: args.excel })?;
            let summary = pipeline::run(&options, &resources, &mut files)?;
            files.finish(&summary)?;
            summary
        }
    };
    if !args.quiet {
        print_summary(&summary, &args);
    }
    let problems = !summary.skipped.is_empty() || !resources.diagnostics.items.is_empty();
    Ok(if args.strict && problems { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// On SIGINT/SIGTERM: remove every temporary output file and exit 130 at once, even when
/// the run is blocked reading its input. Outputs of earlier runs are never touched.
fn on_interrupt_remove_partial_files() -> anyhow::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals =
        signal_hook::iterator::Signals::new([SIGINT, SIGTERM]).context("cannot install signal handler")?;
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            gazetka::output::remove_pending();
            eprintln!("gazetka: interrupted; no output file was changed");
            std::process::exit(130);
        }
    });
    Ok(())
}

/// The one-screen report at the end of a run (stderr).
fn print_summary(summary: &Summary, args: &ExtractArgs) {
    let t = &summary.timings;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "gazetka: {} documents ({} processed, {} skipped), {:.1} MB in {:.2} s ({:.1} MB/s, dictionaries loaded in {:.2} s)",
        summary.documents,
        summary.processed,
        summary.skipped.len(),
        summary.bytes as f64 / 1e6,
        t.run_seconds,
        t.mb_per_second,
        t.load_seconds
    );
    let i = &summary.items;
    let _ = writeln!(
        err,
        "gazetka: {} mentions of {} entities, {} quotes, {} money amounts, {} exchange rates",
        i.mentions, i.entities, i.quotes, i.money, i.rates
    );
    for s in summary.skipped.iter().take(10) {
        let _ = writeln!(err, "gazetka: skipped {}: {}", s.id, s.reason);
    }
    if summary.skipped.len() > 10 {
        let _ = writeln!(err, "gazetka: … and {} more skipped (see summary.json)", summary.skipped.len() - 10);
    }
    if args.format == Format::Csv {
        let _ = writeln!(err, "gazetka: wrote {}", args.out.display());
    }
}

fn dict(command: DictCommand) -> anyhow::Result<ExitCode> {
    match command {
        DictCommand::Check { dicts } => {
            let resources = Resources::load(DictDirs::new(dicts));
            let mut diagnostics = resources.diagnostics.clone();
            check_entries(resources.gazetteer.entries(), &resources.inflector, &mut diagnostics);
            let mut out = std::io::stdout().lock();
            for problem in &diagnostics.items {
                writeln!(out, "{problem}")?;
            }
            let errors = diagnostics.errors().count();
            let warnings = diagnostics.warnings().count();
            writeln!(
                out,
                "{errors} error(s), {warnings} warning(s); {} entities, {} patterns, {} lexicon forms",
                resources.gazetteer.entry_count(),
                resources.gazetteer.pattern_count(),
                resources.lexicon.len()
            )?;
            Ok(if errors > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
        }
        DictCommand::Forms { entity_type, words } => {
            let entity_type = EntityType::parse(&entity_type)
                .ok_or_else(|| anyhow::anyhow!("--type {entity_type:?}: use PER, ORG or LOC"))?;
            let forms = Inflector::builtin().alias_forms(&words.join(" "), entity_type);
            let mut out = std::io::stdout().lock();
            for form in &forms.forms {
                writeln!(out, "{form}")?;
            }
            for form in &forms.dropped {
                writeln!(out, "{form}\t(not matched: a common word)")?;
            }
            Ok(ExitCode::SUCCESS)
        }
        DictCommand::Match { text, file, dicts } => {
            let text = match (text, file) {
                (Some(text), None) => text,
                (None, Some(path)) => {
                    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
                    gazetka::corpus::decode::decode(&bytes)
                        .map_err(|reason| anyhow::anyhow!("{}: {reason}", path.display()))?
                        .text
                }
                _ => anyhow::bail!("give the sample either as TEXT or with --file F"),
            };
            let resources = Resources::load(DictDirs::new(dicts));
            for problem in resources.diagnostics.errors() {
                eprintln!("{problem}");
            }
            let mut times = Default::default();
            let extraction = gazetka::analyze::analyze(&text, &resources, &mut times);
            let index = gazetka::text::CharIndex::new(&text);
            let mut out = std::io::stdout().lock();
            writeln!(out, "start\tend\ttext\ttype\tentity_id\tcanonical\tsource")?;
            for m in &extraction.mentions {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    index.char_offset(m.span.start),
                    index.char_offset(m.span.end),
                    m.span.slice(&text),
                    m.entity_type.as_str(),
                    m.entity_id,
                    m.canonical,
                    m.source.as_str()
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
