//! Command-line arguments of the `dataproc` binary and their one conversion into library
//! configuration ([`Job`]), so `main` only parses, converts, runs and maps errors.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use dataproc::columns::{StatSet, split_list};
use dataproc::config::RawConfig;
use dataproc::input::{Column, CsvOptions, Format};
use dataproc::report::OutputFormat;
use dataproc::table::TableOptions;
use dataproc::{Error, Median, NumericOptions, ProcessorConfig};

/// Streaming statistics and the seed's data processors.
#[derive(Debug, Parser)]
#[command(
    name = "dataproc",
    version,
    about,
    after_help = "On failure: one line on stderr, `dataproc: KIND error: MESSAGE`; exit code 2 \
                  configuration, 3 validation (bad input), 4 processing. The library's ERROR \
                  event for the failure goes to --log-file only, not to the console."
)]
pub struct Cli {
    /// Also log (at DEBUG) to this size-rotating file, as the seed's `dataproc.log`.
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
    /// Rotate the log file at this size.
    #[arg(long, global = true, default_value_t = 1024, value_name = "BYTES")]
    pub log_max_bytes: u64,
    /// Rotated log files to keep.
    #[arg(long, global = true, default_value_t = 3, value_name = "N")]
    pub log_backups: u64,
    /// Only warnings and errors on the console.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The sub-commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Statistics of every column (or the chosen ones) of a table or a file of numbers:
    /// count, nulls, sum, mean, median, min, max, sample std dev by default (streamed).
    Numeric {
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        config: ConfigArgs,
        #[command(flatten)]
        table: TableArgs,
        #[command(flatten)]
        output: OutputArgs,
        /// Skip NaN and ±inf and count them, instead of failing at the first.
        #[arg(long)]
        skip_non_finite: bool,
        /// Leave out the median: memory stays flat however long the input is.
        #[arg(long, conflicts_with = "approx_median")]
        no_median: bool,
        /// Approximate the median and quantiles from a bounded sketch instead of keeping
        /// every value (8 bytes each) for the exact ones: each within 0.5 % of the exact
        /// value, except between two ranks of opposite signs (then within 0.5 % of the
        /// larger magnitude; `metadata.median` says exactly).
        #[arg(long)]
        approx_median: bool,
    },
    /// Lines, words, characters, distinct words, top words of a text (streamed).
    Text {
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        config: ConfigArgs,
        /// How many top words to list.
        #[arg(long, value_name = "K")]
        top_k: Option<u64>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Frequencies, mode and cardinality of labels (streamed).
    Categorical {
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        config: ConfigArgs,
        /// List only the K most frequent categories.
        #[arg(long, value_name = "K")]
        top_k: Option<u64>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// The seed's per-item pipeline: JSON items in, processed items out.
    Pipeline {
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        config: ConfigArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Any registered processor by type tag, over JSON items (or lines as strings).
    Run {
        /// The type tag (see `dataproc list`).
        processor_type: String,
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        config: ConfigArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// The registered processors.
    List,
    /// The seed's `main.py`: NumericStats over [45, 10, 23, 43].
    Example,
}

/// Where the input comes from and how to read it.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Input file; `-` or nothing for standard input.
    #[arg(value_name = "FILE|-")]
    pub file: Option<PathBuf>,
    /// Input format; default from the file extension, or sniffed from standard input.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// CSV column by header name or index from 0 (implies CSV). `numeric` takes several
    /// (repeat it or give a comma list) and describes every column when none is given.
    #[arg(short = 'c', long, value_name = "NAME|INDEX")]
    pub column: Vec<String>,
    /// CSV field delimiter: one character, or `tab` (implies CSV).
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// The first CSV record is a header (default: detected).
    #[arg(long, conflicts_with = "no_header")]
    pub header: bool,
    /// The first CSV record is data.
    #[arg(long)]
    pub no_header: bool,
}

/// What `numeric` describes and how.
#[derive(Debug, Args)]
pub struct TableArgs {
    /// JSON field to describe, a dotted path such as `order.total` (repeatable, comma
    /// lists); none: every field.
    #[arg(long, value_name = "PATH")]
    pub field: Vec<String>,
    /// Statistics per group of these columns or fields (comma list); unsorted input is
    /// fine (hash aggregation).
    #[arg(long, value_name = "COL[,COL]")]
    pub group_by: Option<String>,
    /// Cell texts that mean "missing", counted as nulls (comma list; the empty cell and
    /// JSON null always are).
    #[arg(
        long,
        value_name = "LIST",
        default_value = "NA,N/A,null,NULL",
        allow_hyphen_values = true
    )]
    pub null_values: String,
    /// Skip and count texts that are not numbers in the chosen columns instead of failing.
    #[arg(long)]
    pub skip_invalid: bool,
    /// The statistics, in order (comma list): count, nulls, sum, mean, median,
    /// median_low, median_high, min, max, std_dev, stdev, variance, pstdev, pvariance,
    /// mode, geometric_mean, harmonic_mean, distinct, quantiles.
    #[arg(long, value_name = "LIST")]
    pub stats: Option<String>,
    /// Exact quantiles (comma list of fractions, e.g. 0.25,0.75,0.99) by linear
    /// interpolation: numpy's default, Python's `quantiles(method='inclusive')`.
    #[arg(long, value_name = "LIST")]
    pub quantiles: Option<String>,
    /// Count distinct values with a HyperLogLog (at most 12 KiB per column; exact up to 128
    /// distinct values, then 0.81 % relative standard error) instead of keeping them all.
    #[arg(long)]
    pub approx_distinct: bool,
}

/// How the result is written.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// json: the seed's envelope; jsonl: a line per record (column, group, category or
    /// item); csv: a row per record; table: aligned, as pandas prints describe() (numbers,
    /// text) or value_counts() (categories, items).
    #[arg(long, value_enum, default_value = "json")]
    pub output_format: OutputFormatArg,
    /// Write the result to this file instead of standard output (only once it succeeded).
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Leave out timestamp and processing time, so runs over the same input diff clean.
    #[arg(long)]
    pub no_meta: bool,
}

/// Output formats on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutputFormatArg {
    /// The seed's ProcessingResult envelope (indented JSON).
    Json,
    /// One JSON object per record and line.
    Jsonl,
    /// One CSV row per record.
    Csv,
    /// An aligned table.
    Table,
}

/// Where and how a result is written.
#[derive(Debug, Clone, Default)]
pub struct Output {
    /// The format.
    pub format: OutputFormat,
    /// A file instead of standard output.
    pub file: Option<PathBuf>,
    /// Leave out timestamp and processing time.
    pub no_meta: bool,
}

impl From<OutputArgs> for Output {
    fn from(args: OutputArgs) -> Self {
        Self {
            format: match args.output_format {
                OutputFormatArg::Json => OutputFormat::Json,
                OutputFormatArg::Jsonl => OutputFormat::JsonLines,
                OutputFormatArg::Csv => OutputFormat::Csv,
                OutputFormatArg::Table => OutputFormat::Table,
            },
            file: args.output,
            no_meta: args.no_meta,
        }
    }
}

/// Input formats on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// One value per line.
    Lines,
    /// Delimited records.
    Csv,
    /// A JSON array.
    Json,
    /// One JSON value per line.
    Jsonl,
}

/// The processor configuration: a JSON file, then flags over it.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// A JSON config with the seed's fields (name, description, max_input_size, ...);
    /// fields left out take the seed's defaults (max_input_size 1000, timeout 30 s).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The configuration's name.
    #[arg(long)]
    pub name: Option<String>,
    /// The configuration's description.
    #[arg(long)]
    pub description: Option<String>,
    /// Refuse inputs with more items (default on the CLI: no limit).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub max_input_size: Option<i128>,
    /// Give up after this many seconds (default on the CLI: no limit).
    #[arg(long, value_name = "SECS", allow_negative_numbers = true)]
    pub timeout: Option<f64>,
}

/// Everything a run needs, in library terms.
#[derive(Debug)]
pub struct Job {
    /// What to run.
    pub kind: JobKind,
    /// The input file (`None`: standard input).
    pub file: Option<PathBuf>,
    /// A forced format.
    pub format: Option<Format>,
    /// CSV settings.
    pub csv: CsvOptions,
    /// The processor configuration.
    pub config: ProcessorConfig,
    /// How the result is written.
    pub output: Output,
}

/// Which processor runs.
#[derive(Debug)]
pub enum JobKind {
    /// Numeric statistics of a table.
    Numeric(NumericOptions, TableOptions),
    /// Text counts.
    Text,
    /// Categorical counts.
    Categorical,
    /// A registered processor over collected items.
    Items(String),
}

impl TryFrom<Command> for Job {
    type Error = Error;

    fn try_from(command: Command) -> Result<Self, Error> {
        let (mut kind, input, config, top_k, output) = match command {
            Command::Numeric {
                input,
                config,
                table,
                output,
                skip_non_finite,
                no_median,
                approx_median,
            } => {
                let median = match (no_median, approx_median) {
                    (true, _) => Median::Omitted,
                    (_, true) => Median::Approximate,
                    _ => Median::Exact,
                };
                let options = NumericOptions {
                    skip_non_finite,
                    median,
                };
                let mut chosen = input.column.clone();
                chosen.extend(table.field.iter().cloned());
                let tables = TableOptions {
                    columns: chosen.iter().map(|c| Column::parse(c)).collect(),
                    group_by: table.group_by.iter().map(|g| Column::parse(g)).collect(),
                    null_values: split_list(&table.null_values).map(String::from).collect(),
                    skip_invalid: table.skip_invalid,
                    stats: {
                        let set = StatSet::from_lists(
                            table.stats.as_deref(),
                            table.quantiles.as_deref(),
                            median,
                        )?;
                        if table.approx_distinct {
                            set.with_approx_distinct()
                        } else {
                            set
                        }
                    },
                    delimiter: None,
                    header: None,
                };
                (
                    JobKind::Numeric(options, tables),
                    input,
                    config,
                    None,
                    output,
                )
            }
            Command::Text {
                input,
                config,
                top_k,
                output,
            } => (JobKind::Text, input, config, top_k, output),
            Command::Categorical {
                input,
                config,
                top_k,
                output,
            } => (JobKind::Categorical, input, config, top_k, output),
            Command::Pipeline {
                input,
                config,
                output,
            } => (
                JobKind::Items("pipeline".into()),
                input,
                config,
                None,
                output,
            ),
            Command::Run {
                processor_type,
                input,
                config,
                output,
            } => (JobKind::Items(processor_type), input, config, None, output),
            Command::List | Command::Example => {
                return Err(Error::Configuration(
                    "this command takes no input; nothing to configure".into(),
                ));
            }
        };
        let default_name = match &kind {
            JobKind::Numeric(..) => "numeric",
            JobKind::Text => "text",
            JobKind::Categorical => "categorical",
            JobKind::Items(tag) => tag.as_str(),
        };
        let mut builder = match &config.config {
            Some(path) => read_config(path)?.into_builder(),
            None => ProcessorConfig::builder(default_name)
                .max_input_size(i128::MAX)
                .timeout_seconds(f64::INFINITY),
        };
        if let Some(name) = config.name {
            builder = builder.name(name);
        }
        if let Some(d) = config.description {
            builder = builder.description(d);
        }
        if let Some(n) = config.max_input_size {
            builder = builder.max_input_size(n);
        }
        if let Some(t) = config.timeout {
            builder = builder.timeout_seconds(t);
        }
        if let Some(k) = top_k {
            builder = builder.param("top_k", k);
        }
        if input.column.len() > 1 && !matches!(kind, JobKind::Numeric(..)) {
            return Err(Error::Configuration(format!(
                "--column takes one column here, not {}; only `numeric` describes several",
                input.column.len()
            )));
        }
        let csv_implied = !input.column.is_empty() || input.delimiter.is_some();
        let format = match input.format {
            Some(FormatArg::Lines) => Some(Format::Lines),
            Some(FormatArg::Csv) => Some(Format::Csv),
            Some(FormatArg::Json) => Some(Format::Json),
            Some(FormatArg::Jsonl) => Some(Format::JsonLines),
            None if csv_implied => Some(Format::Csv),
            None => None,
        };
        let csv = CsvOptions {
            column: input
                .column
                .first()
                .map_or(Column::Index(0), |c| Column::parse(c)),
            delimiter: input
                .delimiter
                .as_deref()
                .map(parse_delimiter)
                .transpose()?,
            header: match (input.header, input.no_header) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            },
        };
        if let JobKind::Numeric(_, tables) = &mut kind {
            tables.delimiter = csv.delimiter;
            tables.header = csv.header;
        }
        Ok(Self {
            kind,
            file: input.file,
            format,
            csv,
            config: builder.build()?,
            output: output.into(),
        })
    }
}

fn read_config(path: &Path) -> Result<RawConfig, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Configuration(format!("cannot read config {}: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| Error::Configuration(format!("invalid config {}: {e}", path.display())))
}

fn parse_delimiter(text: &str) -> Result<u8, Error> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        "\"" | "\n" | "\r" => Err(Error::Configuration(format!(
            "--delimiter cannot be {text:?}, the CSV quote or a line end; pick another, e.g. ';'"
        ))),
        t if t.len() == 1 && t.is_ascii() => Ok(t.as_bytes()[0]),
        t => Err(Error::Configuration(format!(
            "--delimiter must be one ASCII character or `tab`, not {t:?}"
        ))),
    }
}
