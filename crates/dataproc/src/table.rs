//! The table engine: every column (or the chosen ones) of a CSV, JSON lines or JSON
//! array of objects, or the one column of a file of numbers, described per column and
//! per group in one streaming pass.
//!
//! The single-column numeric run is one case of it: a file of numbers is a table of one
//! column, `value`; each column folds into the same exact [`ColumnFold`] (the shared
//! [`NumericState`](crate::stats::NumericState) plus what the asked statistics need),
//! cells are parsed as Python's `float()` does ([`crate::pyfloat`]), and the first CSV
//! record is a header by the one rule of [`is_header`].
//!
//! - **Columns**: every column by default; [`TableOptions::columns`] picks some by name
//!   or index from 0 (JSON: dotted field paths such as `order.total`). A chosen column
//!   holding a text that is not a number fails naming the source, line and text; a
//!   column described because it was found is reported with `type: text` and how many
//!   of its values were not numbers.
//! - **Missing values**: an empty cell, a cell equal to one of
//!   [`TableOptions::null_values`] (default: `NA`, `N/A`, `null`, `NULL`), a JSON `null`
//!   or a JSON record without the field are counted as `nulls` and left out of the
//!   statistics, as pandas and polars do. Blank lines of a file of numbers are skipped
//!   (pandas' `skip_blank_lines`). `skip_invalid` skips and counts bad numbers instead.
//! - **Groups**: [`TableOptions::group_by`] keys each row by the text of its key cells;
//!   groups are hash-aggregated over unsorted input and listed in first-seen order.
//!   Memory grows with the groups (per column per group the fold and 16 bytes per binary
//!   exponent spanned per exact sum; the sums' fixed-point limbs only from 2²⁰ values or a
//!   merge; the crate README has the measurement) plus what order statistics keep (8 bytes per
//!   value for the exact median; over CSV, 8 bytes per cell, as each group keeps its
//!   rows in a row buffer (`src/row_buffer.rs`) until the end).
//!
//! Files of numbers or unquoted CSV of at least 16 MiB are folded in parallel parts (one
//! thread per core, 2 to 4) whose folds merge exactly; if a part fails (or finds a
//! quote), the file is read again in one pass so the error names the right line. The
//! folds are finished side by side too (the columns, or the groups), each column's order
//! statistics selected across the parts' values ([`crate::select`]) without joining them.

use std::fs::File;
use std::io::{BufRead, Read};
use std::path::Path;
use std::time::Instant;

use serde_json::{Map, Value};

use crate::columns::{Cell, ColumnFold, MixMap, Record, StatSet, split_list};
use crate::error::{Error, Result};
use crate::input::{
    Column, CsvRecords, Format, Item, PARALLEL_MIN_BYTES, Source, bad_cell, csv_reader,
    read_records,
};
use crate::numeric::{NumericProcessor, Position, non_finite_error};
use crate::plain_csv::{PlainRecord, for_each_record};
use crate::processor::{Processor, check_streamed, empty_input, seed_result, timed};
use crate::pyfloat::{parse_bytes, value_to_f64};
use crate::pyjson::{float_value, py_str};
use crate::result::{InputData, ProcessingResult, StreamedInput};
use crate::row_buffer::RowBuffer;

/// The default missing-value spellings besides the empty cell (pandas' most common).
pub const DEFAULT_NULLS: [&str; 4] = ["NA", "N/A", "null", "NULL"];

/// How often (in rows) a run looks at the clock.
const CLOCK_EVERY: u64 = 1 << 16;

/// What a table run describes and how.
#[derive(Debug, Clone, PartialEq)]
pub struct TableOptions {
    /// The columns (CSV) or fields (JSON, dotted paths) to describe; empty: all.
    pub columns: Vec<Column>,
    /// The columns or fields whose values key the groups; empty: no groups.
    pub group_by: Vec<Column>,
    /// Cell texts (after trimming white space) that mean "missing", besides the empty cell.
    pub null_values: Vec<String>,
    /// Skip and count bad numbers in chosen columns instead of failing.
    pub skip_invalid: bool,
    /// The statistics.
    pub stats: StatSet,
    /// CSV field delimiter; `None`: from the source.
    pub delimiter: Option<u8>,
    /// Whether the first CSV record is a header; `None`: by [`is_header`].
    pub header: Option<bool>,
}

impl Default for TableOptions {
    fn default() -> Self {
        Self {
            columns: Vec::new(),
            group_by: Vec::new(),
            null_values: default_nulls(),
            skip_invalid: false,
            stats: StatSet::default(),
            delimiter: None,
            header: None,
        }
    }
}

/// Column choices as given on a command line: each value a name, an index from 0, or a
/// comma list of them. A value that names a column as a whole (a header `price, usd`)
/// is that column; otherwise it is split at commas.
///
/// ```
/// use dataproc::input::Column;
/// use dataproc::table::expand_columns;
/// let given = [Column::Name("price,qty".into()), Column::Index(2)];
/// let names = ["price".to_string(), "qty".into(), "city".into()];
/// assert_eq!(
///     expand_columns(&given, Some(&names)),
///     [Column::Name("price".into()), Column::Name("qty".into()), Column::Index(2)]
/// );
/// let whole = [Column::Name("price, usd".into())];
/// assert_eq!(expand_columns(&whole, Some(&["price, usd".to_string()])), whole);
/// ```
pub fn expand_columns(given: &[Column], names: Option<&[String]>) -> Vec<Column> {
    let mut out = Vec::new();
    for c in given {
        match c {
            Column::Name(n) if n.contains(',') && !names.is_some_and(|all| all.contains(n)) => {
                out.extend(split_list(n).map(Column::parse));
            }
            other => out.push(other.clone()),
        }
    }
    out
}

/// How a cell reads.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Parsed {
    Number(f64),
    Null,
    Bad,
}

/// The missing-value rule.
#[derive(Debug, Clone)]
struct Nulls {
    tokens: Vec<Vec<u8>>,
    /// A token is itself a number (e.g. `-999`): check tokens before parsing.
    numeric: bool,
}

impl Nulls {
    fn new(values: &[String]) -> Self {
        let tokens: Vec<Vec<u8>> = values
            .iter()
            .map(|v| v.trim().as_bytes().to_vec())
            .filter(|v| !v.is_empty())
            .collect();
        let numeric = tokens.iter().any(|t| parse_bytes(t).is_some());
        Self { tokens, numeric }
    }

    #[inline]
    fn is_null(&self, cell: &[u8]) -> bool {
        let t = cell.trim_ascii();
        t.is_empty() || self.tokens.iter().any(|n| n == t)
    }

    #[inline]
    fn parse(&self, cell: &[u8]) -> Parsed {
        if !self.numeric
            && let Some(x) = parse_bytes(cell)
        {
            return Parsed::Number(x);
        }
        if self.is_null(cell) {
            return Parsed::Null;
        }
        match parse_bytes(cell) {
            Some(x) => Parsed::Number(x),
            None => Parsed::Bad,
        }
    }
}

/// [`DEFAULT_NULLS`] as owned texts.
pub fn default_nulls() -> Vec<String> {
    DEFAULT_NULLS.iter().map(|s| (*s).to_owned()).collect()
}

/// The one header rule, for `numeric`, `text` and `categorical`: the first record is a
/// header when a second record follows, no field of the first is empty, a number or a
/// missing-value spelling, and the second record has a number or a missing value in
/// some column. So `NA,1` first is data (nothing is lost), a table of texts only is read
/// as data (pass `--header`), and `price,qty` over numbers is a header. Every result
/// says which way it went (`metadata.header`).
///
/// ```
/// use dataproc::table::is_header;
/// let nulls = ["NA".to_string()];
/// assert!(is_header(&[b"price", b"qty"], Some(&[b"1.5", b"2"]), &nulls));
/// assert!(!is_header(&[b"NA", b"qty"], Some(&[b"1.5", b"2"]), &nulls));
/// assert!(!is_header(&[b"red"], Some(&[b"blue"]), &nulls));
/// assert!(!is_header(&[b"price"], None, &nulls));
/// ```
pub fn is_header(first: &[&[u8]], second: Option<&[&[u8]]>, null_values: &[String]) -> bool {
    let nulls = Nulls::new(null_values);
    let Some(second) = second else {
        return false;
    };
    let names = first
        .iter()
        .all(|f| !nulls.is_null(f) && parse_bytes(f).is_none());
    names && second.iter().any(|f| nulls.parse(f) != Parsed::Bad)
}

/// The groups of a run and their columns' folds.
#[derive(Debug, Clone)]
struct Groups {
    /// Whether CSV rows go through each group's [`RowBuffer`] (with groups).
    buffered: bool,
    /// Whether the buffers keep their rows to the end (the folds keep every value).
    keep: bool,
    /// Encoded keys of up to 7 bytes, packed into a word (the common short key).
    short: MixMap<u64, usize>,
    index: MixMap<Vec<u8>, usize>,
    /// Each group's encoded key.
    encoded: Vec<Vec<u8>>,
    keys: Vec<Vec<String>>,
    rows: Vec<u64>,
    folds: Vec<Vec<ColumnFold>>,
    /// Each group's CSV rows not yet in its folds (used when `buffered`).
    buffers: Vec<RowBuffer>,
}

impl Groups {
    fn new(buffered: bool, set: &StatSet) -> Self {
        Self {
            buffered,
            keep: set.keeps_values(),
            short: MixMap::default(),
            index: MixMap::default(),
            encoded: Vec::new(),
            keys: Vec::new(),
            rows: Vec::new(),
            folds: Vec::new(),
            buffers: Vec::new(),
        }
    }

    /// The group of an encoded key, made (with `columns` folds) when new.
    #[inline]
    fn group(
        &mut self,
        key: &[u8],
        cells: impl FnOnce() -> Vec<String>,
        columns: usize,
        set: &StatSet,
    ) -> usize {
        let short = pack(key);
        let found = match short {
            Some(word) => self.short.get(&word),
            None => self.index.get(key),
        };
        if let Some(&g) = found {
            return g;
        }
        let g = self.keys.len();
        match short {
            Some(word) => self.short.insert(word, g),
            None => self.index.insert(key.to_vec(), g),
        };
        self.encoded.push(key.to_vec());
        self.keys.push(cells());
        self.rows.push(0);
        self.folds
            .push((0..columns).map(|_| ColumnFold::new(set)).collect());
        self.buffers.push(RowBuffer::new(columns, self.keep));
        g
    }

    /// Takes in the groups of a later part of the same input.
    fn merge(&mut self, other: Self, set: &StatSet) {
        let mut folds = other.folds.into_iter();
        let mut rows = other.rows.into_iter();
        let mut keys = other.keys.into_iter();
        let mut buffers = other.buffers.into_iter();
        for key in other.encoded {
            let (Some(mut theirs), Some(n), Some(cells), Some(mut buffer)) =
                (folds.next(), rows.next(), keys.next(), buffers.next())
            else {
                break;
            };
            let g = self.group(&key, || cells, theirs.len(), set);
            self.rows[g] += n;
            if self.folds[g].len() < theirs.len() {
                self.folds[g].resize_with(theirs.len(), || ColumnFold::new(set));
            }
            if !self.keep {
                // Batches in hand go to their folds first, so the folds merge whole.
                self.buffers[g].drain_into(&mut self.folds[g]);
                buffer.drain_into(&mut theirs);
            }
            self.buffers[g].take_over(buffer);
            let mine = &mut self.folds[g];
            for (m, t) in mine.iter_mut().zip(theirs) {
                m.merge(t);
            }
        }
    }
}

/// An encoded key of up to 7 bytes as one word (its length in the top byte).
#[inline]
fn pack(key: &[u8]) -> Option<u64> {
    // Byte by byte: a copy of a variable length would be a `memcpy` call on every row.
    (key.len() <= 7).then(|| {
        let word = key
            .iter()
            .enumerate()
            .fold(0u64, |w, (i, &b)| w | u64::from(b) << (8 * i));
        word | (key.len() as u64) << 56
    })
}

/// Appends one key cell to an encoded group key (length first, so keys cannot collide).
#[inline]
fn encode_key(key: &mut Vec<u8>, cell: &[u8]) {
    key.extend_from_slice(&(cell.len() as u32).to_le_bytes());
    if cell.len() <= 8 {
        // A short key cell (the common case) without a `memcpy` call per row.
        key.extend(cell.iter().copied());
    } else {
        key.extend_from_slice(cell);
    }
}

/// A run over one source: the resolved layout and the folds.
struct Run<'a> {
    processor: &'a NumericProcessor,
    options: &'a TableOptions,
    nulls: Nulls,
    name: String,
    start: Instant,
    /// The described columns' names, in order.
    names: Vec<String>,
    /// The group-by columns' names.
    key_names: Vec<String>,
    /// Whether the columns were chosen (then a bad number is an error).
    strict: bool,
    header: Option<bool>,
    groups: Groups,
    rows: u64,
    key: Vec<u8>,
}

impl<'a> Run<'a> {
    fn new(
        processor: &'a NumericProcessor,
        options: &'a TableOptions,
        name: &str,
        start: Instant,
    ) -> Self {
        Self {
            processor,
            options,
            nulls: Nulls::new(&options.null_values),
            name: name.to_owned(),
            start,
            names: Vec::new(),
            key_names: Vec::new(),
            strict: !options.columns.is_empty(),
            header: None,
            groups: Groups::new(!options.group_by.is_empty(), &options.stats),
            rows: 0,
            key: Vec::new(),
        }
    }

    /// Counts a row and applies the size limit and the time-out.
    #[inline]
    fn row(&mut self, at: Position) -> Result<()> {
        count_row(&mut self.rows, self.processor, self.start, at)
    }

    /// The group of the current key (group 0 when there are no groups).
    #[inline]
    fn group_of(&mut self, cells: impl FnOnce() -> Vec<String>) -> usize {
        if self.key_names.is_empty() && !self.groups.rows.is_empty() {
            // No groups: the one group, without hashing the empty key.
            self.groups.rows[0] += 1;
            return 0;
        }
        let g = self
            .groups
            .group(&self.key, cells, self.names.len(), &self.options.stats);
        self.groups.rows[g] += 1;
        g
    }

    /// Makes sure group `g` (group 0 without groups) has a fold for column `c`.
    fn ensure(&mut self, g: usize, c: usize) {
        if g >= self.groups.keys.len() {
            let key = self.key.clone();
            self.groups.group(&key, Vec::new, 0, &self.options.stats);
        }
        if self.groups.folds[g].len() <= c {
            let set = &self.options.stats;
            self.groups.folds[g].resize_with(c + 1, || ColumnFold::new(set));
        }
    }

    /// Folds one text cell of column `c` in group `g`.
    #[inline]
    fn text_cell(&mut self, g: usize, c: usize, cell: &[u8], at: Position) -> Result<()> {
        match self.nulls.parse(cell) {
            // The common case, without the rules for the others.
            Parsed::Number(x) if x.is_finite() => self.groups.folds[g][c].push(x),
            parsed => self.parsed_cell(g, c, parsed, cell, at)?,
        }
        Ok(())
    }

    /// Folds one cell of column `c` in group `g`, already parsed.
    #[inline(never)]
    fn parsed_cell(
        &mut self,
        g: usize,
        c: usize,
        parsed: Parsed,
        cell: &[u8],
        at: Position,
    ) -> Result<()> {
        let rules = CellRules::of(
            &self.name,
            &self.names,
            c,
            self.strict,
            self.options,
            self.processor,
        );
        fold_cell(&mut self.groups.folds[g][c], parsed, cell, at, &rules)
    }

    /// Folds one JSON value of column `c` in group `g`.
    fn json_cell(&mut self, g: usize, c: usize, value: &Value, at: Position) -> Result<()> {
        match value {
            Value::Null => self.groups.folds[g][c].push_null(),
            Value::String(s) => self.text_cell(g, c, s.as_bytes(), at)?,
            Value::Number(_) => {
                let x = value_to_f64(value).map_err(|m| json_failure(&self.name, at, &m))?;
                self.push_number(g, c, x, at)?;
            }
            other if self.strict && !self.options.skip_invalid => {
                let x = value_to_f64(other).map_err(|m| json_failure(&self.name, at, &m))?;
                self.push_number(g, c, x, at)?;
            }
            _ if self.options.skip_invalid => self.groups.folds[g][c].push_invalid(),
            _ => self.groups.folds[g][c].push_non_numeric(),
        }
        Ok(())
    }

    fn push_number(&mut self, g: usize, c: usize, x: f64, at: Position) -> Result<()> {
        let fold = &mut self.groups.folds[g][c];
        if x.is_finite() {
            fold.push(x);
        } else if self.processor.options().skip_non_finite {
            fold.push_non_finite();
        } else {
            return Err(non_finite_error(&self.name, at, x));
        }
        Ok(())
    }

    /// The column of a JSON field path, added when first seen.
    fn json_column(&mut self, path: &str) -> usize {
        if let Some(c) = self.names.iter().position(|n| n == path) {
            return c;
        }
        self.names.push(path.to_owned());
        self.names.len() - 1
    }
}

/// What a cell that is not a finite number does: the policies and names for errors.
struct CellRules<'a> {
    name: &'a str,
    column: Option<&'a str>,
    strict: bool,
    skip_invalid: bool,
    skip_non_finite: bool,
}

impl<'a> CellRules<'a> {
    /// The rules for column `c` of a run's `names` (named in errors when there are more
    /// than one).
    #[inline]
    fn of(
        name: &'a str,
        names: &'a [String],
        c: usize,
        strict: bool,
        options: &TableOptions,
        processor: &NumericProcessor,
    ) -> Self {
        Self {
            name,
            column: (names.len() > 1).then(|| names[c].as_str()),
            strict,
            skip_invalid: options.skip_invalid,
            skip_non_finite: processor.options().skip_non_finite,
        }
    }
}

/// Folds one parsed cell into `fold` by `rules`.
#[inline]
fn fold_cell(
    fold: &mut ColumnFold,
    parsed: Parsed,
    cell: &[u8],
    at: Position,
    rules: &CellRules<'_>,
) -> Result<()> {
    match parsed {
        Parsed::Number(x) if x.is_finite() => fold.push(x),
        Parsed::Number(_) if rules.skip_non_finite => fold.push_non_finite(),
        Parsed::Number(x) => return Err(non_finite_error(rules.name, at, x)),
        Parsed::Null => fold.push_null(),
        Parsed::Bad if rules.skip_invalid => fold.push_invalid(),
        Parsed::Bad if rules.strict => return Err(bad_cell(rules.name, at, rules.column, cell)),
        Parsed::Bad => fold.push_non_numeric(),
    }
    Ok(())
}

fn json_failure(name: &str, at: Position, message: &str) -> Error {
    Error::Processing(format!(
        "Numeric processing failed: {name}: {at}: {message}"
    ))
}

/// The finished table: records per group and column, and how the input was read.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The group-by columns' names (empty: no groups).
    pub group_by: Vec<String>,
    /// One record per group (in first-seen order) and column, each starting with the
    /// group's key cells (by group column name) and `column`.
    pub records: Vec<Record>,
    /// Whether the first CSV record was a header (`None`: not CSV).
    pub header: Option<bool>,
    /// Data rows read (a header and blank lines are not rows).
    pub rows: u64,
}

/// Describes the table of `source` with `processor`'s limits and NaN policy; the result
/// is the seed's envelope: one column without groups gives the column's record as
/// `output_data` (the seed's shape), otherwise `{"columns": [...]}` or
/// `{"groups": [...]}`.
///
/// # Errors
/// Read, syntax and layout errors (an unknown column, a short record), a bad number in a
/// chosen column (naming source, line and text), NaN/±inf unless skipped, the size limit
/// and the time-out; an input without rows is "Input data cannot be empty".
pub fn run_table(
    processor: &NumericProcessor,
    source: Source,
    options: &TableOptions,
) -> Result<ProcessingResult> {
    timed(|start| {
        let (name, format) = (source.name.clone(), source.format);
        let table = describe(processor, source, options, start)?;
        if table.rows == 0 {
            return Err(empty_input());
        }
        let input = InputData::Streamed(StreamedInput {
            source: name,
            format: format.name().into(),
            items: table.rows,
        });
        let (output, column) = table.output_data();
        let mut result = seed_result(
            "NumericProcessor",
            NumericProcessor::PROCESSOR_TYPE,
            "numeric",
            input,
            output,
            start,
        );
        let m = &mut result.metadata;
        if let Some(column) = column {
            m.insert("column".into(), column.into());
        }
        if let Some(header) = table.header {
            m.insert("header".into(), header.into());
        }
        if !table.group_by.is_empty() {
            m.insert("group_by".into(), table.group_by.clone().into());
        }
        m.insert("std_dev".into(), "sample (n-1)".into());
        let set = &options.stats;
        if let Some(note) = processor.options().median.note() {
            m.insert("median".into(), note.into());
        }
        if set.approx_distinct {
            let note = "approximate (HyperLogLog: exact up to 128 values, then 0.81 % relative \
                        standard error)";
            m.insert("distinct".into(), note.into());
        }
        if !set.quantiles.is_empty() {
            let note = "linear interpolation between closest ranks (numpy's default, Python's \
                        statistics.quantiles method='inclusive'), exact";
            m.insert("quantiles".into(), note.into());
        }
        let total = |key: &str| -> u64 {
            table
                .records
                .iter()
                .filter_map(|r| match r.get(key) {
                    Some(Cell::Count(n)) => Some(*n),
                    _ => None,
                })
                .sum()
        };
        if processor.options().skip_non_finite {
            m.insert("skipped_non_finite".into(), total("non_finite").into());
        }
        if options.skip_invalid {
            m.insert("skipped_invalid".into(), total("invalid").into());
        }
        processor.log_result(&result, table.rows);
        Ok(result)
    })
}

impl Table {
    /// The `output_data` of a result: one column without groups gives its record (the
    /// seed's shape; the column's name is returned beside it, for the metadata), more
    /// give `{"columns": [...]}`, groups `{"groups": [...]}`.
    pub fn output_data(&self) -> (Value, Option<String>) {
        if self.group_by.is_empty()
            && let [only] = self.records.as_slice()
        {
            let mut map = record_value(only);
            let column = map
                .shift_remove("column")
                .and_then(|v| v.as_str().map(String::from));
            return (Value::Object(map), column);
        }
        let list: Vec<Value> = self
            .records
            .iter()
            .map(|r| Value::Object(record_value(r)))
            .collect();
        let key = if self.group_by.is_empty() {
            "columns"
        } else {
            "groups"
        };
        let mut map = Map::new();
        map.insert(key.into(), Value::Array(list));
        (Value::Object(map), None)
    }
}

/// Reads and folds `source` into a [`Table`] (the parallel path for big files).
///
/// # Errors
/// As [`run_table`].
pub fn describe(
    processor: &NumericProcessor,
    source: Source,
    options: &TableOptions,
    start: Instant,
) -> Result<Table> {
    describe_with(processor, source, options, start, PARALLEL_MIN_BYTES)
}

/// [`describe`], reading files of at least `parallel_min_bytes` in parallel parts.
fn describe_with(
    processor: &NumericProcessor,
    mut source: Source,
    options: &TableOptions,
    start: Instant,
    parallel_min_bytes: u64,
) -> Result<Table> {
    let (name, format) = (source.name.clone(), source.format);
    if let Some(path) = source.path.clone()
        && let Some(table) = parallel(
            processor,
            &source,
            &path,
            options,
            start,
            parallel_min_bytes,
        )
    {
        return Ok(with_format(table, format));
    }
    processor.check_deadline(start, &name)?;
    let mut run = Run::new(processor, options, &name, start);
    match format {
        Format::Csv => {
            let delimiter = options.delimiter.unwrap_or(source.default_delimiter);
            fold_csv(&mut run, source.reader()?, delimiter, None)?;
        }
        Format::Lines => fold_lines(&mut run, &mut source)?,
        Format::Json | Format::JsonLines => fold_json(&mut run, &mut source)?,
    }
    Ok(with_format(finish(run), format))
}

fn with_format(mut table: Table, format: Format) -> Table {
    if format != Format::Csv {
        table.header = None;
    }
    table
}

/// The layout of a CSV: described and key field indices, names, header or not.
#[derive(Debug, Clone)]
struct Layout {
    fields: Vec<usize>,
    keys: Vec<usize>,
    names: Vec<String>,
    key_names: Vec<String>,
    header: bool,
}

fn csv_layout(
    first: &csv::ByteRecord,
    second: Option<&csv::ByteRecord>,
    options: &TableOptions,
    name: &str,
) -> Result<Layout> {
    let named = expand_columns(&options.columns, None)
        .iter()
        .chain(&expand_columns(&options.group_by, None))
        .any(|c| matches!(c, Column::Name(_)));
    let header = options.header.unwrap_or_else(|| {
        named || {
            let a: Vec<&[u8]> = first.iter().collect();
            let b: Option<Vec<&[u8]>> = second.map(|r| r.iter().collect());
            is_header(&a, b.as_deref(), &options.null_values)
        }
    });
    let all: Vec<String> = if header {
        first
            .iter()
            .map(|f| String::from_utf8_lossy(f.trim_ascii()).into_owned())
            .collect()
    } else {
        (0..first.len()).map(|i| i.to_string()).collect()
    };
    let group_by = expand_columns(&options.group_by, header.then_some(all.as_slice()));
    let columns = expand_columns(&options.columns, header.then_some(all.as_slice()));
    let resolve = |c: &Column| -> Result<usize> {
        match c {
            Column::Index(i) => Ok(*i),
            Column::Name(wanted) if header => {
                all.iter().position(|n| n == wanted).ok_or_else(|| {
                    Error::Validation(format!(
                        "{name}: no column '{wanted}' in the header ({}); pass --column with one of these or an index",
                        all.join(", ")
                    ))
                })
            }
            Column::Name(wanted) => Err(Error::Configuration(format!(
                "column '{wanted}' is named but the input has no header (--no-header); pass an index"
            ))),
        }
    };
    let keys = group_by.iter().map(&resolve).collect::<Result<Vec<_>>>()?;
    let fields = if columns.is_empty() {
        (0..first.len()).filter(|i| !keys.contains(i)).collect()
    } else {
        columns.iter().map(&resolve).collect::<Result<Vec<_>>>()?
    };
    let label = |i: &usize| all.get(*i).cloned().unwrap_or_else(|| i.to_string());
    Ok(Layout {
        names: fields.iter().map(label).collect(),
        key_names: keys.iter().map(label).collect(),
        fields,
        keys,
        header,
    })
}

/// Folds a CSV stream; `layout` given for a later part of a file known to hold no quote
/// (no header there; its lines are split by [`PlainRecord`]).
fn fold_csv(
    run: &mut Run<'_>,
    reader: &mut dyn BufRead,
    delimiter: u8,
    layout: Option<&Layout>,
) -> Result<()> {
    let name = run.name.clone();
    if let Some(layout) = layout {
        run.names.clone_from(&layout.names);
        run.key_names.clone_from(&layout.key_names);
        run.header = Some(false);
        return for_each_record(reader, &name, delimiter, &mut |record| {
            csv_row(run, layout, record, Position::Line(record.line()))
        });
    }
    let mut fold = CsvFold {
        run,
        layout: layout.cloned(),
    };
    read_records(reader, &name, delimiter, &mut fold)?;
    Ok(())
}

/// A CSV stream into a run: the layout from the first records, then the rows.
struct CsvFold<'r, 'a> {
    run: &'r mut Run<'a>,
    layout: Option<Layout>,
}

impl CsvRecords for CsvFold<'_, '_> {
    fn head(&mut self, first: &csv::ByteRecord, second: Option<&csv::ByteRecord>) -> Result<bool> {
        let layout = match self.layout.take() {
            Some(given) => Layout {
                header: false,
                ..given
            },
            None => csv_layout(first, second, self.run.options, &self.run.name)?,
        };
        self.run.names.clone_from(&layout.names);
        self.run.key_names.clone_from(&layout.key_names);
        self.run.header = Some(layout.header);
        let header = layout.header;
        self.layout = Some(layout);
        Ok(header)
    }

    #[inline]
    fn record(&mut self, record: &csv::ByteRecord) -> Result<()> {
        match &self.layout {
            Some(layout) => {
                let at = Position::Line(record.position().map_or(0, |p| p.line()));
                csv_row(self.run, layout, record, at)
            }
            None => Ok(()),
        }
    }
}

/// A CSV record's fields, from the csv crate or the quote-free splitter.
trait Fields {
    fn field(&self, i: usize) -> Option<&[u8]>;
    fn width(&self) -> usize;
}

impl Fields for csv::ByteRecord {
    #[inline]
    fn field(&self, i: usize) -> Option<&[u8]> {
        self.get(i)
    }
    fn width(&self) -> usize {
        self.len()
    }
}

impl Fields for PlainRecord<'_> {
    #[inline]
    fn field(&self, i: usize) -> Option<&[u8]> {
        self.get(i)
    }
    fn width(&self) -> usize {
        self.len()
    }
}

#[inline]
fn csv_row(run: &mut Run<'_>, layout: &Layout, record: &impl Fields, at: Position) -> Result<()> {
    run.row(at)?;
    run.key.clear();
    for &k in &layout.keys {
        let cell = record
            .field(k)
            .ok_or_else(|| short_record(&run.name, at, k, record))?;
        encode_key(&mut run.key, cell);
    }
    let g = run.group_of(|| {
        layout
            .keys
            .iter()
            .map(|&k| String::from_utf8_lossy(record.field(k).unwrap_or_default()).into_owned())
            .collect()
    });
    if run.groups.buffered {
        return buffered_row(run, layout, record, at, g);
    }
    for (c, &i) in layout.fields.iter().enumerate() {
        match record.field(i) {
            Some(cell) => run.text_cell(g, c, cell, at)?,
            None if run.strict => return Err(short_record(&run.name, at, i, record)),
            None => run.groups.folds[g][c].push_null(),
        }
    }
    Ok(())
}

/// A row of group `g` into the group's [`RowBuffer`]: its numbers into one row, every
/// other cell counted by its fold at once (as [`fold_cell`] does).
#[inline]
fn buffered_row(
    run: &mut Run<'_>,
    layout: &Layout,
    record: &impl Fields,
    at: Position,
    g: usize,
) -> Result<()> {
    let row = run.groups.buffers[g].row();
    for (c, &i) in layout.fields.iter().enumerate() {
        let parsed = match record.field(i) {
            Some(cell) => run.nulls.parse(cell),
            None if run.strict => return Err(short_record(&run.name, at, i, record)),
            None => Parsed::Null,
        };
        match parsed {
            Parsed::Number(x) if x.is_finite() => row[c] = x,
            other => {
                let cell = record.field(i).unwrap_or_default();
                let rules = CellRules::of(
                    &run.name,
                    &run.names,
                    c,
                    run.strict,
                    run.options,
                    run.processor,
                );
                fold_cell(&mut run.groups.folds[g][c], other, cell, at, &rules)?;
            }
        }
    }
    let buffer = &mut run.groups.buffers[g];
    if buffer.full() {
        buffer.drain_into(&mut run.groups.folds[g]);
    }
    Ok(())
}

fn short_record(name: &str, at: Position, i: usize, record: &impl Fields) -> Error {
    Error::Validation(format!(
        "{name}: {at}: no column {i} (the record has {} fields)",
        record.width()
    ))
}

/// Folds a file of numbers: one column, `value`; blank lines skipped.
fn fold_lines(run: &mut Run<'_>, source: &mut Source) -> Result<()> {
    run.names = vec!["value".into()];
    run.strict = true;
    run.key.clear();
    run.ensure(0, 0);
    // The hot loop of the single-column run: the one fold and counters borrowed once.
    let (processor, start) = (run.processor, run.start);
    let rules = CellRules {
        name: &run.name,
        column: None,
        strict: true,
        skip_invalid: run.options.skip_invalid,
        skip_non_finite: processor.options().skip_non_finite,
    };
    let (nulls, rows) = (&run.nulls, &mut run.rows);
    let (group_rows, fold) = (&mut run.groups.rows[0], &mut run.groups.folds[0][0]);
    crate::input::for_each_item(source, &Default::default(), &mut |item, at| {
        let Item::Text(line) = item else {
            return Ok(());
        };
        let parsed = nulls.parse(line);
        // Blank lines are skipped; checked only off the fast path.
        if parsed == Parsed::Null && line.trim_ascii().is_empty() {
            return Ok(());
        }
        count_row(rows, processor, start, at)?;
        *group_rows += 1;
        fold_cell(fold, parsed, line, at, &rules)
    })?;
    Ok(())
}

/// Counts a row and applies the size limit and the time-out.
#[inline]
fn count_row(
    rows: &mut u64,
    processor: &NumericProcessor,
    start: Instant,
    at: Position,
) -> Result<()> {
    *rows += 1;
    if rows.is_multiple_of(CLOCK_EVERY) {
        processor.check_deadline(start, &at)?;
    }
    check_streamed(Processor::config(processor), *rows, &at)
}

/// Folds a JSON array or JSON lines: numbers (a column `value`) or objects (a column
/// per field path, nested objects flattened with dots).
fn fold_json(run: &mut Run<'_>, source: &mut Source) -> Result<()> {
    let keys: Vec<String> = expand_columns(&run.options.group_by, None)
        .iter()
        .map(field_name)
        .collect();
    let chosen: Vec<String> = expand_columns(&run.options.columns, None)
        .iter()
        .map(field_name)
        .collect();
    for path in &chosen {
        run.json_column(path);
    }
    run.key_names.clone_from(&keys);
    let mut flat: Vec<(String, Value)> = Vec::new();
    crate::input::for_each_item(source, &Default::default(), &mut |item, at| {
        let Item::Json(value) = item else {
            return Ok(());
        };
        run.row(at)?;
        let Value::Object(object) = value else {
            // A bare value: the one column `value` (chosen, so strict).
            if run.names.is_empty() {
                run.names.push("value".into());
                run.strict = true;
            }
            run.key.clear();
            let g = run.group_of(Vec::new);
            run.ensure(g, 0);
            return run.json_cell(g, 0, &value, at);
        };
        run.key.clear();
        let mut key_cells = Vec::new();
        for k in &keys {
            let cell = lookup(&object, k).map_or_else(String::new, key_text);
            encode_key(&mut run.key, cell.as_bytes());
            key_cells.push(cell);
        }
        flat.clear();
        if chosen.is_empty() {
            flatten("", &object, &mut flat);
            flat.retain(|(p, _)| !keys.contains(p));
        } else {
            for path in &chosen {
                if let Some(v) = lookup(&object, path) {
                    flat.push((path.clone(), v.clone()));
                }
            }
        }
        let g = run.group_of(|| key_cells);
        for (path, v) in &flat {
            let c = run.json_column(path);
            run.ensure(g, c);
            run.json_cell(g, c, v, at)?;
        }
        Ok(())
    })?;
    Ok(())
}

/// A JSON field path as given (an "index" is a key that is a number).
fn field_name(c: &Column) -> String {
    match c {
        Column::Name(n) => n.clone(),
        Column::Index(i) => i.to_string(),
    }
}

/// The value at a dotted path (`a.b.c`); a key holding dots itself is found too.
fn lookup<'v>(object: &'v Map<String, Value>, path: &str) -> Option<&'v Value> {
    if let Some(v) = object.get(path) {
        return Some(v);
    }
    let mut cut = path.len();
    while let Some(dot) = path[..cut].rfind('.') {
        if let Some(Value::Object(inner)) = object.get(&path[..dot]) {
            return lookup(inner, &path[dot + 1..]);
        }
        cut = dot;
    }
    None
}

/// Every leaf of an object with its dotted path.
fn flatten(prefix: &str, object: &Map<String, Value>, out: &mut Vec<(String, Value)>) {
    for (k, v) in object {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Value::Object(inner) => flatten(&path, inner, out),
            other => out.push((path, other.clone())),
        }
    }
}

/// A group key's text: a string as it is, anything else as Python's `str()`.
fn key_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => py_str(other),
    }
}

fn finish(run: Run<'_>) -> Table {
    let set = &run.options.stats;
    let grouped = !run.key_names.is_empty();
    let Groups {
        keys,
        rows,
        folds,
        buffers,
        ..
    } = run.groups;
    let width = run.names.len();
    // A group's folds, one per column, with its buffered rows in them.
    let ready = |(n, mut columns, mut buffer): (u64, Vec<ColumnFold>, RowBuffer)| {
        columns.resize_with(width, || ColumnFold::new(set));
        buffer.drain_into(&mut columns);
        columns.into_iter().map(move |fold| (n, fold))
    };
    let finish_fold = |(n, mut fold): (u64, ColumnFold)| {
        // Rows without the field (JSON) are missing values.
        fold.add_nulls(n.saturating_sub(fold.cells()));
        fold.finish(set)
    };
    let groups: Vec<_> = rows
        .into_iter()
        .zip(folds)
        .zip(buffers)
        .map(|((n, f), b)| (n, f, b))
        .collect();
    // Side by side: the groups, or the columns of the one group.
    let finished: Vec<Record> = if groups.len() > 1 {
        parallel_map(groups, |g| ready(g).map(finish_fold).collect::<Vec<_>>())
            .into_iter()
            .flatten()
            .collect()
    } else {
        parallel_map(groups.into_iter().flat_map(ready).collect(), finish_fold)
    };
    let mut finished = finished.into_iter();
    let mut records = Vec::new();
    for key in &keys {
        for name in &run.names {
            let mut record = Record::default();
            if grouped {
                for (k, v) in run.key_names.iter().zip(key) {
                    record.push(k, Cell::Text(v.clone()));
                }
            }
            record.push("column", Cell::Text(name.clone()));
            record
                .cells
                .extend(finished.next().map(|r| r.cells).unwrap_or_default());
            records.push(record);
        }
    }
    Table {
        group_by: run.key_names,
        records,
        header: run.header,
        rows: run.rows,
    }
}

/// `f` of each item, on up to one thread per core (at most 4), each thread taking the
/// next item when done with one; the results in the order of `items`.
fn parallel_map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 4)
        .min(items.len());
    if threads <= 1 {
        return items.into_iter().map(f).collect();
    }
    let jobs = std::sync::Mutex::new(items.into_iter().enumerate());
    let next = || jobs.lock().ok().and_then(|mut j| j.next());
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    while let Some((i, item)) = next() {
                        out.push((i, f(item)));
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    done.sort_unstable_by_key(|&(i, _)| i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// The parallel path for big files of numbers and unquoted CSV: `None` when it does not
/// apply or a part failed (the caller then reads in one pass, which names the bad line).
fn parallel(
    processor: &NumericProcessor,
    source: &Source,
    path: &Path,
    options: &TableOptions,
    start: Instant,
    min_bytes: u64,
) -> Option<Table> {
    let size = std::fs::metadata(path).ok()?.len();
    if size < min_bytes || size == 0 || !matches!(source.format, Format::Lines | Format::Csv) {
        return None;
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(2, 4);
    let delimiter = options.delimiter.unwrap_or(source.default_delimiter);
    let (layout, body_start) = if source.format == Format::Csv {
        csv_head(path, delimiter, options, &source.name)?
    } else {
        (None, 0)
    };
    let ranges = crate::input::line_aligned_ranges(path, body_start, size, threads).ok()?;
    let parts: Vec<Option<Run<'_>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = ranges
            .iter()
            .map(|&(from, to)| {
                let layout = layout.as_ref();
                let (name, format) = (source.name.as_str(), source.format);
                scope.spawn(move || {
                    let mut part = Source::part(path, name, format, from, to).ok()?;
                    let mut run = Run::new(processor, options, name, start);
                    match layout {
                        Some(l) => fold_csv(&mut run, part.reader().ok()?, delimiter, Some(l)),
                        None => fold_lines(&mut run, &mut part),
                    }
                    .ok()?;
                    Some(run)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect()
    });
    let mut parts = parts.into_iter();
    let mut total = parts.next()??;
    for part in parts {
        let part = part?;
        total.rows += part.rows;
        total.groups.merge(part.groups, &options.stats);
    }
    let max = Processor::config(processor).max_input_size();
    if total.rows as u128 > max as u128 {
        return None;
    }
    if let Some(l) = &layout {
        total.header = Some(l.header);
    }
    Some(finish(total))
}

/// The layout of a CSV file and the byte offset of its first data record, from its first
/// MiB; `None` when that holds a quote (a quoted field may hold a line break, so lines
/// are not records; the parts look for quotes in the rest, see [`crate::plain_csv`]).
fn csv_head(
    path: &Path,
    delimiter: u8,
    options: &TableOptions,
    name: &str,
) -> Option<(Option<Layout>, u64)> {
    let mut chunk = Vec::with_capacity(1 << 20);
    File::open(path)
        .ok()?
        .take(1 << 20)
        .read_to_end(&mut chunk)
        .ok()?;
    if memchr::memchr(b'"', &chunk).is_some() {
        return None;
    }
    let body = chunk.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&chunk);
    let bom = (chunk.len() - body.len()) as u64;
    let mut csv = csv_reader(body, delimiter);
    let (mut first, mut second) = (csv::ByteRecord::new(), csv::ByteRecord::new());
    if !csv.read_byte_record(&mut first).ok()? {
        return None;
    }
    let has_second = csv.read_byte_record(&mut second).ok()?;
    let layout = csv_layout(&first, has_second.then_some(&second), options, name).ok()?;
    let start = if layout.header {
        bom + second.position()?.byte()
    } else {
        0
    };
    Some((Some(layout), start))
}

/// A record as a JSON object (non-finite numbers kept, see [`float_value`]).
pub fn record_value(record: &Record) -> Map<String, Value> {
    record
        .cells
        .iter()
        .map(|(k, c)| {
            let v = match c {
                Cell::Count(n) => Value::from(*n),
                Cell::Float(x) => float_value(*x),
                Cell::Text(t) => Value::from(t.as_str()),
            };
            (k.clone(), v)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Median, NumericOptions, ProcessorConfig};
    use std::io::Write;

    fn processor(max: i128, median: Median) -> NumericProcessor {
        let config = ProcessorConfig::builder("t")
            .max_input_size(max)
            .build()
            .unwrap();
        let options = NumericOptions {
            median,
            ..NumericOptions::default()
        };
        NumericProcessor::with_options(config, options)
    }

    fn text_file(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    fn table(
        p: &NumericProcessor,
        path: &Path,
        format: Format,
        options: &TableOptions,
        min_bytes: u64,
    ) -> Result<Table> {
        let source = Source::open(Some(path), Some(format)).unwrap();
        describe_with(p, source, options, Instant::now(), min_bytes)
    }

    fn options(median: Median) -> TableOptions {
        TableOptions {
            stats: StatSet::from_lists(
                Some("count,nulls,sum,mean,median,mode,distinct,stdev"),
                Some("0.1,0.9"),
                median,
            )
            .unwrap(),
            ..TableOptions::default()
        }
    }

    #[test]
    fn parallel_parts_give_exactly_the_one_pass_result() {
        let lines: Vec<String> = (0..5000)
            .map(|i| format!("{}", f64::from(i % 700) * 0.37 - 90.0))
            .collect();
        let f = text_file(&lines.join("\n"));
        for median in [Median::Exact, Median::Approximate, Median::Omitted] {
            let p = processor(100_000, median);
            let o = options(median);
            let source = Source::open(Some(f.path()), Some(Format::Lines)).unwrap();
            let direct = parallel(&p, &source, f.path(), &o, Instant::now(), 0);
            assert!(direct.is_some(), "the parallel path ran");
            let parallel = table(&p, f.path(), Format::Lines, &o, 0).unwrap();
            let sequential = table(&p, f.path(), Format::Lines, &o, u64::MAX).unwrap();
            assert_eq!(parallel, sequential, "{median:?}");
            assert_eq!(parallel.rows, 5000);
        }
    }

    #[test]
    fn parallel_csv_groups_give_exactly_the_one_pass_result() {
        let mut text = String::from("\u{feff}g,x,y\n");
        for i in 0..6000 {
            let y = if i % 11 == 0 {
                "NA".to_string()
            } else {
                (i % 13).to_string()
            };
            // CRLF and blank lines, as the csv crate reads them, in the split parts too.
            let end = if i % 5 == 0 { "\r\n" } else { "\n" };
            text.push_str(&format!("k{},{}.5,{y}{end}", i % 7, i % 101));
            if i % 97 == 0 {
                text.push_str("\n\r\n");
            }
        }
        let f = text_file(&text);
        let mut o = options(Median::Exact);
        o.group_by = vec![Column::Name("g".into())];
        let p = processor(100_000, Median::Exact);
        let source = Source::open(Some(f.path()), Some(Format::Csv)).unwrap();
        assert!(parallel(&p, &source, f.path(), &o, Instant::now(), 0).is_some());
        let parallel = table(&p, f.path(), Format::Csv, &o, 0).unwrap();
        let sequential = table(&p, f.path(), Format::Csv, &o, u64::MAX).unwrap();
        assert_eq!(parallel, sequential);
        assert_eq!(parallel.records.len(), 7 * 2);
        assert_eq!(parallel.header, Some(true));
        let nulls: u64 = parallel
            .records
            .iter()
            .filter_map(|r| match r.get("nulls") {
                Some(Cell::Count(n)) => Some(*n),
                _ => None,
            })
            .sum();
        assert_eq!(nulls, (0..6000).filter(|i| i % 11 == 0).count() as u64);
    }

    #[test]
    fn zeros_at_order_ranks_are_pythons_in_parallel_parts_and_groups() {
        // def val(i): return "-1" if i % 9 == 0 else "2" if i % 9 == 1 else \
        //     "-0.0" if (i // 3) % 4 else "0"
        // for 6004 rows, one a line, and in groups k{i % 3} (2002, 2001 and 2001 values).
        let (mut lines, mut csv) = (String::new(), String::from("g,x\n"));
        for i in 0..6004 {
            let x = match (i % 9, (i / 3) % 4) {
                (0, _) => "-1",
                (1, _) => "2",
                (_, 0) => "0",
                _ => "-0.0",
            };
            lines.push_str(&format!("{x}\n"));
            csv.push_str(&format!("k{},{x}\n", i % 3));
        }
        let mut o = TableOptions {
            stats: StatSet::from_lists(
                Some("median,median_low,median_high,quantiles"),
                Some("0.125,0.25,0.375,0.5,0.625,0.75,0.875"),
                Median::Exact,
            )
            .unwrap(),
            ..TableOptions::default()
        };
        let keys = [
            "median",
            "median_low",
            "median_high",
            "12.5%",
            "25%",
            "37.5%",
        ];
        let keys = keys.iter().chain(&["50%", "62.5%", "75%", "87.5%"]);
        // [st.median(xs), st.median_low(xs), st.median_high(xs)]
        //     + st.quantiles(xs, n=8, method='inclusive')  (Python 3.11): all values, then
        // each group's.
        let all: [[f64; 10]; 1] = [[0.0, 0.0, 0.0, -0.0, 0.0, -0.0, 0.0, -0.0, -0.0, 0.0]];
        let groups: [[f64; 10]; 3] = [
            [0.0, -0.0, 0.0, -1.0, -1.0, 0.0, 0.0, -0.0, -0.0, 0.0],
            [-0.0, -0.0, -0.0, 0.0, 0.0, -0.0, -0.0, 0.0, 2.0, 2.0],
            [0.0, 0.0, 0.0, -0.0, 0.0, -0.0, 0.0, -0.0, 0.0, -0.0],
        ];
        let p = processor(100_000, Median::Exact);
        for (text, format, want) in [
            (lines, Format::Lines, &all[..]),
            (csv, Format::Csv, &groups[..]),
        ] {
            if format == Format::Csv {
                o.group_by = vec![Column::Name("g".into())];
            }
            let f = text_file(&text);
            let source = Source::open(Some(f.path()), Some(format)).unwrap();
            assert!(parallel(&p, &source, f.path(), &o, Instant::now(), 0).is_some());
            for min_bytes in [0, u64::MAX] {
                let t = table(&p, f.path(), format, &o, min_bytes).unwrap();
                assert_eq!(t.records.len(), want.len());
                for (record, want) in t.records.iter().zip(want) {
                    let got: Vec<u64> = keys
                        .clone()
                        .map(|k| match record.get(k) {
                            Some(Cell::Float(x)) => x.to_bits(),
                            other => panic!("{k}: {other:?}"),
                        })
                        .collect();
                    let want: Vec<u64> = want.iter().map(|x| x.to_bits()).collect();
                    assert_eq!(got, want, "{record:?} ({min_bytes})");
                }
            }
        }
    }

    #[test]
    fn each_group_equals_its_rows_described_alone() {
        let row = |i: usize| {
            let y = match i % 11 {
                0 => "NA".to_string(),
                _ => format!("{}", (i * 7919) % 23),
            };
            let z = if i == 4321 {
                "red".into()
            } else {
                format!("{}.25", i % 5)
            };
            (
                format!("k{}", i % 5),
                format!("{}.5,{y},{z}", (i * 31) % 101),
            )
        };
        let mut grouped = String::from("g,x,y,z\n");
        for i in 0..6000 {
            let (k, cells) = row(i);
            grouped.push_str(&format!("{k},{cells}\n"));
        }
        let f = text_file(&grouped);
        let p = processor(100_000, Median::Exact);
        let keeping = options(Median::Exact);
        let batching = TableOptions {
            stats: StatSet::from_lists(
                Some("count,nulls,sum,mean,mode,stdev"),
                None,
                Median::Exact,
            )
            .unwrap(),
            ..TableOptions::default()
        };
        for o in [keeping, batching] {
            let by_group = TableOptions {
                group_by: vec![Column::Name("g".into())],
                ..o.clone()
            };
            let all = table(&p, f.path(), Format::Csv, &by_group, 0).unwrap();
            for k in 0..5 {
                let mut alone = String::from("x,y,z\n");
                for (_, cells) in (0..6000).map(row).filter(|(g, _)| *g == format!("k{k}")) {
                    alone.push_str(&format!("{cells}\n"));
                }
                let a = text_file(&alone);
                let want = table(&p, a.path(), Format::Csv, &o, u64::MAX).unwrap();
                let got: Vec<Vec<(String, Cell)>> = all.records[3 * k..3 * k + 3]
                    .iter()
                    .map(|r| r.cells[1..].to_vec())
                    .collect();
                let want: Vec<Vec<(String, Cell)>> =
                    want.records.iter().map(|r| r.cells.clone()).collect();
                assert_eq!(got, want, "group k{k}");
            }
        }
    }

    #[test]
    fn a_lone_carriage_return_sends_the_csv_to_one_pass() {
        let mut text = String::from("x,y\n");
        for i in 0..3000 {
            text.push_str(&format!("{i},{}\n", i % 7));
        }
        text.push_str("1,2\r3,4\n");
        let f = text_file(&text);
        let o = options(Median::Exact);
        let p = processor(100_000, Median::Exact);
        let source = Source::open(Some(f.path()), Some(Format::Csv)).unwrap();
        assert!(parallel(&p, &source, f.path(), &o, Instant::now(), 0).is_none());
        let one_pass = table(&p, f.path(), Format::Csv, &o, 0).unwrap();
        assert_eq!(one_pass.rows, 3002);
    }

    #[test]
    fn a_quoted_csv_is_read_in_one_pass() {
        let f = text_file("a,b\n\"1\",2\n");
        let p = processor(100, Median::Exact);
        let source = Source::open(Some(f.path()), Some(Format::Csv)).unwrap();
        let o = TableOptions::default();
        assert!(parallel(&p, &source, f.path(), &o, Instant::now(), 0).is_none());
        assert_eq!(table(&p, f.path(), Format::Csv, &o, 0).unwrap().rows, 1);
    }

    #[test]
    fn a_quote_past_the_first_mib_sends_the_csv_to_one_pass() {
        let mut text = String::from("x,y\n");
        let mut rows = 0;
        while text.len() < (1 << 20) + 1000 {
            text.push_str(&format!("{rows},{}\n", rows % 7));
            rows += 1;
        }
        text.push_str("\"5,5\",6\n7,8\n");
        let f = text_file(&text);
        let o = TableOptions {
            columns: vec![Column::Name("y".into())],
            ..options(Median::Exact)
        };
        let p = processor(1_000_000, Median::Exact);
        let source = Source::open(Some(f.path()), Some(Format::Csv)).unwrap();
        assert!(parallel(&p, &source, f.path(), &o, Instant::now(), 0).is_none());
        let one_pass = table(&p, f.path(), Format::Csv, &o, 0).unwrap();
        assert_eq!(one_pass.rows, rows + 2);
        assert_eq!(
            one_pass.records[0].get("count"),
            Some(&Cell::Count(rows + 2))
        );
    }

    #[test]
    fn a_bad_line_in_a_later_part_is_reported_with_its_true_line() {
        let mut lines: Vec<String> = (0..5000).map(|i| i.to_string()).collect();
        lines[4321] = "oops".into();
        let f = text_file(&lines.join("\n"));
        let p = processor(100_000, Median::Exact);
        let err = table(&p, f.path(), Format::Lines, &TableOptions::default(), 0).unwrap_err();
        assert!(
            err.to_string().contains("line 4322: Cannot Convert oops"),
            "{err}"
        );
    }

    #[test]
    fn the_size_limit_holds_across_parts() {
        let lines: Vec<String> = (0..5000).map(|i| i.to_string()).collect();
        let f = text_file(&lines.join("\n"));
        let p = processor(4000, Median::Exact);
        let err = table(&p, f.path(), Format::Lines, &TableOptions::default(), 0).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("Input size 4001 exceeds maximum 4000 (at line 4001)"),
            "{err}"
        );
    }

    #[test]
    fn dotted_paths_find_nested_fields_and_keys_with_dots() {
        let object = serde_json::json!({"a": {"b": {"c": 1}}, "x.y": 2});
        let Value::Object(map) = object else {
            panic!("an object")
        };
        assert_eq!(lookup(&map, "a.b.c"), Some(&Value::from(1)));
        assert_eq!(lookup(&map, "x.y"), Some(&Value::from(2)));
        assert_eq!(lookup(&map, "a.z"), None);
        let mut flat = Vec::new();
        flatten("", &map, &mut flat);
        let paths: Vec<&str> = flat.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["a.b.c", "x.y"]);
    }
}
