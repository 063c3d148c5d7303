//! Command-line definitions (clap). Flags become a plain [`Cli`]; `main` turns it into work.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "gazetka",
    version,
    about = "Named entities, attributed quotes and money amounts from Russian-language news, with exact offsets.",
    long_about = "Named entities, attributed quotes and money amounts from Russian-language news, with exact \
character offsets.\n\nWith no arguments, runs the main job: `gazetka extract seeds --dict dictionaries --out output`.",
    after_help = "Exit codes: 0 success, 1 failure (or, with --strict, any skipped document or dictionary problem), 2 usage error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Extract entities, quotes and money from documents into CSV and JSON files.
    #[command(
        after_help = "Examples:\n  gazetka extract seeds --out output\n  gazetka extract news.jsonl --dict dictionaries --dict my-dicts --jobs 4 --strict\n  cat news.jsonl | gazetka extract - --format jsonl > results.jsonl\n  gazetka extract corpus/ --shard 0/4 --out out-0"
    )]
    Extract(ExtractArgs),
    /// Work with the dictionaries: check them, see the forms of an alias, see what they match.
    #[command(subcommand)]
    Dict(DictCommand),
    /// Combine the output folders of `--shard` runs into the files one run would have written.
    #[command(after_help = "Example:\n  gazetka merge out-0 out-1 out-2 out-3 --out output")]
    Merge(MergeArgs),
}

#[derive(Args, Debug, Clone)]
pub struct ExtractArgs {
    /// Folders (every *.txt below, by path), .txt files, .jsonl files ({"id","text",…}) or - for JSONL on stdin.
    #[arg(value_name = "INPUT", default_value = "seeds")]
    pub inputs: Vec<String>,
    /// Dictionary folder; repeat to add your own folders after the shipped one (e.g. --dict dictionaries --dict mine).
    #[arg(long = "dict", value_name = "DIR", default_value = "dictionaries")]
    pub dicts: Vec<PathBuf>,
    /// Output folder for the CSV/JSON files (e.g. --out results); created if missing.
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
    /// Worker threads; 0 = one per core (e.g. --jobs 4). Output is identical for any value.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub jobs: usize,
    /// No progress bar and no end-of-run summary on stderr (errors are still printed).
    #[arg(long, short)]
    pub quiet: bool,
    /// Exit 1 if any document is skipped or any dictionary has a problem (for CI).
    #[arg(long)]
    pub strict: bool,
    /// Write CSV for a Russian-locale Excel: UTF-8 BOM, ';' separator, decimal comma, formulas neutralised.
    #[arg(long)]
    pub excel: bool,
    /// csv: files in --out; jsonl: one JSON result per document on stdout, in input order (stream mode).
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
    /// Process only shard K of N (by a hash of the document id), e.g. --shard 0/4; combine with `gazetka merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
}

#[derive(Subcommand, Debug)]
pub enum DictCommand {
    /// Report every problem in the dictionaries as file:line (exit 1 on errors).
    #[command(after_help = "Example:\n  gazetka dict check --dict dictionaries --dict my-dicts")]
    Check {
        /// Dictionary folder (repeatable).
        #[arg(long = "dict", value_name = "DIR", default_value = "dictionaries")]
        dicts: Vec<PathBuf>,
    },
    /// Print the forms an `auto` alias written as WORDS would match.
    #[command(
        after_help = "Examples:\n  gazetka dict forms Багдат Мусин\n  gazetka dict forms --type ORG Министерство цифрового развития"
    )]
    Forms {
        /// Entity type the alias belongs to (persons inflect every word; organisations and places their head).
        #[arg(long = "type", value_name = "PER|ORG|LOC", default_value = "PER")]
        entity_type: String,
        /// The alias, as one or more words.
        #[arg(required = true)]
        words: Vec<String>,
    },
    /// Show what the dictionaries and rules find in a sample text, with offsets and entity ids.
    #[command(
        after_help = "Examples:\n  gazetka dict match 'Министр Багдат Мусин посетил Алматы'\n  gazetka dict match --file article.txt --dict dictionaries --dict mine"
    )]
    Match {
        /// The sample text (or use --file).
        text: Option<String>,
        /// Read the sample from a file.
        #[arg(long, value_name = "F")]
        file: Option<PathBuf>,
        /// Dictionary folder (repeatable).
        #[arg(long = "dict", value_name = "DIR", default_value = "dictionaries")]
        dicts: Vec<PathBuf>,
    },
}

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// Output folders of shard runs.
    #[arg(required = true, value_name = "OUT_DIRS")]
    pub dirs: Vec<PathBuf>,
    /// Folder for the combined files.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

impl Default for ExtractArgs {
    /// The main job: `extract seeds --dict dictionaries --out output`.
    fn default() -> ExtractArgs {
        ExtractArgs {
            inputs: vec!["seeds".into()],
            dicts: vec!["dictionaries".into()],
            out: "output".into(),
            jobs: 0,
            quiet: false,
            strict: false,
            excel: false,
            format: Format::Csv,
            shard: None,
        }
    }
}
