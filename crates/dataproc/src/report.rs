//! A result written for people or pipes: the seed's JSON envelope, JSON lines, CSV or
//! an aligned table (as pandas prints `describe()`). Every subcommand that prints a
//! result (`numeric`, `text`, `categorical`, `pipeline`, `run`) writes it here, so the
//! formats mean the same everywhere.
//!
//! - `json` (default): the seed's `ProcessingResult` as `json.dumps(indent=2)` writes it;
//! - `jsonl`: one line per record, each a JSON object;
//! - `csv`: a header of every key any record has, one row per record (a key a record
//!   lacks, e.g. `std_dev` of a one-value column, is an empty cell);
//! - `table`: aligned text, the first column left-aligned, the others right-aligned.
//!
//! The records, per kind of result:
//! - numeric statistics: one per column (or per group and column), starting with its
//!   group keys and `column`; the table has statistics as rows and records as columns,
//!   as pandas prints `describe()`;
//! - categorical counts: one per category listed, `{category, count}`, by count then
//!   first appearance (the envelope's `count`, `cardinality` and `mode` are the sum of
//!   the counts, the number of rows without `--top-k`, and the first row); the table has
//!   a row per category, as pandas prints `value_counts()`;
//! - a list of outputs (`pipeline`): one per item, `{item, output}` with the item's index
//!   from 0; a row per item in the table;
//! - anything else (text counts, `run numeric`): the one record of `output_data`, the
//!   table with its keys as rows.
//!
//! In CSV and the table a list of `[word, count]` pairs (text's `top_words`) is written
//! `word:count` separated by spaces (a word never holds white space); any other list or
//! object is written as one line of JSON, as `jsonl` writes it; `null` (an item the
//! pipeline could not process) is an empty cell.
//!
//! Non-finite results (an overflowed sum or variance) are never written as a bare
//! `null`, which would read as "missing": JSON and JSON lines write `Infinity`,
//! `-Infinity`, `NaN` as Python's `json` does; CSV and the table write `inf`, `-inf`,
//! `nan` as Python's `str(float)` and pandas' `to_csv` do. With `no_meta` the envelope
//! leaves out `timestamp` and `processing_time`, so two runs over the same input are
//! byte-identical (the other formats never carry them).

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::pyjson::{non_finite_token, py_float_repr, to_py_json, to_py_json_line};
use crate::result::ProcessingResult;

/// How a result is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// The seed's envelope, indented JSON.
    #[default]
    Json,
    /// One JSON object per record and line.
    JsonLines,
    /// One CSV row per record.
    Csv,
    /// An aligned text table.
    Table,
}

/// How the table lays records out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// Keys as rows, a column per record (pandas' `describe()`).
    KeysAsRows,
    /// A header of keys, a row per record (pandas' `value_counts()`).
    RecordsAsRows,
}

/// The records of a result (see the [module docs](self)): the entries of
/// `output_data.columns` or `.groups`; a categorical result's categories; a list
/// result's items; else `output_data` itself (with `metadata.column` put first as
/// `column` when there is one).
///
/// ```
/// use dataproc::report::records;
/// use dataproc::{CategoricalProcessor, Processor, ProcessorConfig};
/// let config = ProcessorConfig::builder("c").build()?;
/// let result = CategoricalProcessor::new(config).process(&serde_json::json!(["b", "a", "b"]))?;
/// let rows = records(&result);
/// assert_eq!(serde_json::Value::from(rows[0].clone()), serde_json::json!({"category": "b", "count": 2}));
/// assert_eq!(rows.len(), 2);
/// # Ok::<(), dataproc::Error>(())
/// ```
pub fn records(result: &ProcessingResult) -> Vec<Map<String, Value>> {
    shaped(result).0.into_iter().map(Cow::into_owned).collect()
}

/// The records of a result and their table layout; a table's columns and groups are
/// borrowed from the result, not copied (with many groups they are most of its memory).
fn shaped(result: &ProcessingResult) -> (Vec<Record<'_>>, Layout) {
    let data = &result.output_data;
    for key in ["columns", "groups"] {
        if let Some(Value::Array(list)) = data.get(key) {
            let list = list
                .iter()
                .filter_map(|v| v.as_object().map(Cow::Borrowed))
                .collect();
            return (list, Layout::KeysAsRows);
        }
    }
    let row = |pairs: [(&str, Value); 2]| -> Record<'_> {
        Cow::Owned(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    };
    let kind = result
        .metadata
        .get("processor_type")
        .and_then(Value::as_str);
    if kind == Some("categorical")
        && let Some(Value::Object(frequencies)) = data.get("frequencies")
    {
        let rows = frequencies
            .iter()
            .map(|(category, n)| {
                row([("category", category.as_str().into()), ("count", n.clone())])
            })
            .collect();
        return (rows, Layout::RecordsAsRows);
    }
    if let Value::Array(items) = data {
        let rows = items
            .iter()
            .enumerate()
            .map(|(i, output)| row([("item", i.into()), ("output", output.clone())]))
            .collect();
        return (rows, Layout::RecordsAsRows);
    }
    let mut record = Map::new();
    if let Some(column) = result.metadata.get("column") {
        record.insert("column".into(), column.clone());
    }
    if let Some(map) = data.as_object() {
        record.extend(map.clone());
    }
    (vec![Cow::Owned(record)], Layout::KeysAsRows)
}

/// One record of a result: borrowed from it, or made for the output.
type Record<'a> = Cow<'a, Map<String, Value>>;

/// The text of `result` in `format` (with a final line break).
///
/// ```
/// use dataproc::report::{OutputFormat, render};
/// use dataproc::{NumericProcessor, Processor, ProcessorConfig};
/// let config = ProcessorConfig::builder("n").build()?;
/// let result = NumericProcessor::new(config).process(&serde_json::json!([1, 2]))?;
/// let csv = render(&result, OutputFormat::Csv, true)?;
/// assert_eq!(csv, "count,sum,mean,median,min,max,std_dev\n2,3.0,1.5,1.5,1.0,2.0,0.7071067811865476\n");
/// # Ok::<(), dataproc::Error>(())
/// ```
///
/// # Errors
/// A processing error if the CSV writer fails (it writes to memory; it does not).
pub fn render(result: &ProcessingResult, format: OutputFormat, no_meta: bool) -> Result<String> {
    let mut text = match format {
        OutputFormat::Json => to_py_json(&result.dict_view(!no_meta)),
        OutputFormat::JsonLines => shaped(result)
            .0
            .iter()
            .map(|record| to_py_json_line(record.as_ref()))
            .collect::<Vec<_>>()
            .join("\n"),
        OutputFormat::Csv => csv_text(&shaped(result).0)?,
        OutputFormat::Table => {
            let (records, layout) = shaped(result);
            table_text(&records, layout)
        }
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// Every key of `records`, in first-seen order.
fn keys(records: &[Record<'_>]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for r in records {
        for k in r.keys() {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    keys
}

/// A cell's text for CSV and the table: numbers as Python's `str()`, non-finite ones as
/// `inf`/`-inf`/`nan`, texts as they are, a missing cell or `null` empty, `[word, count]`
/// pairs as `word:count` separated by spaces, other lists and objects as a JSON line.
fn cell_text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => match non_finite_token(s) {
            Some("Infinity") => "inf".into(),
            Some("-Infinity") => "-inf".into(),
            Some(_) => "nan".into(),
            None => s.clone(),
        },
        Some(Value::Number(n)) => match n.as_f64() {
            Some(x) if n.is_f64() => py_float_repr(x),
            _ => n.to_string(),
        },
        Some(Value::Array(items)) if items.iter().all(is_word_count) => items
            .iter()
            .map(|pair| format!("{}:{}", cell_text(pair.get(0)), cell_text(pair.get(1))))
            .collect::<Vec<_>>()
            .join(" "),
        Some(other) => to_py_json_line(other),
    }
}

/// Whether `value` is a `[word, count]` pair: a text without white space and a count.
fn is_word_count(value: &Value) -> bool {
    match value.as_array().map(Vec::as_slice) {
        Some([Value::String(word), Value::Number(n)]) => {
            n.is_u64() && !word.is_empty() && !word.contains(char::is_whitespace)
        }
        _ => false,
    }
}

fn csv_text(records: &[Record<'_>]) -> Result<String> {
    let keys = keys(records);
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| Error::Processing(format!("cannot write CSV: {e}"));
    out.write_record(&keys).map_err(fail)?;
    for r in records {
        out.write_record(keys.iter().map(|k| cell_text(r.get(k))))
            .map_err(fail)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| Error::Processing(format!("cannot write CSV: {e}")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The aligned table: with [`Layout::KeysAsRows`] keys as rows, one column per record
/// (headed by its group keys and column); with [`Layout::RecordsAsRows`] a header of
/// keys and one row per record.
fn table_text(records: &[Record<'_>], layout: Layout) -> String {
    let all = keys(records);
    let mut rows: Vec<Vec<String>> = Vec::new();
    if layout == Layout::RecordsAsRows {
        rows.push(all.clone());
        for r in records {
            rows.push(all.iter().map(|k| cell_text(r.get(k))).collect());
        }
    } else {
        // The heading rows: group keys and the column name; the rest are statistics.
        let stats_from = all.iter().position(|k| k == "column").map_or(0, |i| i + 1);
        let (heads, stats) = all.split_at(stats_from);
        for h in heads {
            let mut row = vec![String::new()];
            row.extend(records.iter().map(|r| cell_text(r.get(h))));
            rows.push(row);
        }
        for s in stats {
            let mut row = vec![s.clone()];
            row.extend(records.iter().map(|r| cell_text(r.get(s))));
            rows.push(row);
        }
    }
    // A cell is one line: a newline, tab or other control character inside a text value is
    // written as its escape (`\n`, `\t`, `\u{1b}`), as pandas prints a frame.
    for cell in rows.iter_mut().flatten() {
        if cell.chars().any(char::is_control) {
            *cell = cell
                .chars()
                .map(|c| {
                    if c.is_control() {
                        c.escape_debug().to_string()
                    } else {
                        c.to_string()
                    }
                })
                .collect();
        }
    }
    let width = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..width)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    rows.iter()
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(c, (text, &w))| {
                    if c == 0 {
                        format!("{text:<w$}")
                    } else {
                        format!("{text:>w$}")
                    }
                })
                .collect();
            cells.join("  ").trim_end().to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
