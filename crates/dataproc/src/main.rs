//! The `dataproc` command line: parse, convert to library configuration, run, print.
//!
//! A failure shows as one line on standard error, `dataproc: {kind} error: {message}`,
//! and the exit code says the kind (2 configuration, 3 validation, 4 processing). The
//! library's own ERROR event for the failure ("Processing failed after {t}s: ...") is kept
//! off the console, where it would repeat that line, and still goes to `--log-file`.

mod cli;
mod output_file;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use dataproc::input::{self, Source};
use dataproc::processor::FAILURE_TARGET;
use dataproc::{
    CategoricalProcessor, Error, ErrorKind, NumericProcessor, ProcessingResult, Processor,
    ProcessorConfig, TextProcessor,
};
use dataproc::{report, table};
use serde_json::json;
use tracing::Level;

use cli::{Cli, Command, Job, JobKind};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let log = applog::LogConfig {
        console: Some(if cli.quiet { Level::WARN } else { Level::INFO }),
        file: cli
            .log_file
            .as_ref()
            .map(|p| applog::FileLog::new(p, cli.log_max_bytes, cli.log_backups)),
        // main prints the failure itself, in one line
        console_hidden_targets: vec![FAILURE_TARGET],
    };
    let _log = match applog::init(&log) {
        Ok(guard) => guard,
        Err(e) => {
            eprintln!("dataproc: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let (label, code) = match e.kind() {
                ErrorKind::Configuration => ("configuration error", 2),
                ErrorKind::Validation => ("validation error", 3),
                ErrorKind::Processing => ("processing error", 4),
            };
            eprintln!("dataproc: {label}: {}", one_line(e.message()));
            ExitCode::from(code)
        }
    }
}

/// The message on one line: line breaks inside it (a quoted CSV field can hold one) are
/// shown as `\n` / `\r`.
fn one_line(message: &str) -> String {
    message.replace('\r', "\\r").replace('\n', "\\n")
}

fn run(command: Command) -> Result<(), Error> {
    match command {
        Command::List => {
            let lines: Vec<String> = dataproc::registered()
                .iter()
                .map(|e| format!("{:<12} {:<22} {}", e.processor_type, e.name, e.description))
                .collect();
            emit(&lines.join("\n"))
        }
        Command::Example => {
            let config = ProcessorConfig::builder("NumericStats")
                .description("Calculate Numeric Statistics")
                .max_input_size(500)
                .build()?;
            let result = NumericProcessor::new(config).process(&json!([45, 10, 23, 43]))?;
            emit(&format!("Numeric Result:\n{}", result.to_json()))
        }
        other => {
            let job = Job::try_from(other)?;
            let output = job.output.clone();
            let result = execute(job)?;
            let text = report::render(&result, output.format, output.no_meta)?;
            match &output.file {
                Some(path) => output_file::write(path, &text),
                None => emit(text.strip_suffix('\n').unwrap_or(&text)),
            }
        }
    }
}

fn execute(job: Job) -> Result<ProcessingResult, Error> {
    let source = Source::open(job.file.as_deref(), job.format)?;
    match job.kind {
        JobKind::Numeric(options, tables) => {
            let processor = NumericProcessor::with_options(job.config, options);
            table::run_table(&processor, source, &tables)
        }
        JobKind::Text => input::run_text(&TextProcessor::new(job.config), source, &job.csv),
        JobKind::Categorical => {
            input::run_categorical(&CategoricalProcessor::new(job.config), source, &job.csv)
        }
        JobKind::Items(tag) => {
            let items = input::read_items(source, &job.csv)?;
            dataproc::create(&tag, job.config)?.process(&items)
        }
    }
}

/// Writes the output and a line break. A closed pipe (`| head`) is not an error; any
/// other write failure is a processing error (the result could not be delivered).
fn emit(text: &str) -> Result<(), Error> {
    let mut out = io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::Processing(format!(
            "cannot write the result to standard output: {e}"
        ))),
        _ => Ok(()),
    }
}
