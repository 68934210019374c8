//! Streaming input readers: one value per line, a CSV column, a JSON array, JSON lines.
//!
//! Readers hand items one at a time to a callback and never hold the input: a line or a
//! CSV record is borrowed from a reused buffer, a JSON array is walked element by element.
//! The format comes from the file's extension (`.csv`, `.tsv`, `.json`, `.jsonl` /
//! `.ndjson`, anything else: lines), is sniffed from standard input, or is given.
//!
//! The `run_*` functions drive a processor over a stream and return its result; every
//! error names the line (or JSON array index) that was bad.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde_json::Value;

use crate::categorical::{CategoricalProcessor, CategoricalState};
use crate::columns::StatSet;
use crate::error::{Error, Result};
use crate::numeric::{NumericProcessor, Position};
use crate::processor::{Processor, check_streamed, empty_input, timed};
use crate::pyfloat::string_reason;
use crate::pyjson::{py_str, py_type_name};
use crate::result::{InputData, ProcessingResult, StreamedInput};
use crate::table::{TableOptions, default_nulls, is_header, run_table};
use crate::text::{TextProcessor, TextState};

/// Read buffer size: big reads keep the parser busy.
const BUFFER: usize = 1 << 20;

/// An input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One item per line.
    Lines,
    /// Delimited records; one column is read.
    Csv,
    /// One JSON array of items.
    Json,
    /// One JSON value per line.
    JsonLines,
}

impl Format {
    /// The name shown in results (`lines`, `csv`, `json`, `jsonl`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Lines => "lines",
            Self::Csv => "csv",
            Self::Json => "json",
            Self::JsonLines => "jsonl",
        }
    }

    /// The format a file name implies.
    ///
    /// ```
    /// use dataproc::input::Format;
    /// assert_eq!(Format::from_path("a.CSV".as_ref()), Format::Csv);
    /// assert_eq!(Format::from_path("a.ndjson".as_ref()), Format::JsonLines);
    /// assert_eq!(Format::from_path("numbers.txt".as_ref()), Format::Lines);
    /// ```
    pub fn from_path(path: &Path) -> Self {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("csv" | "tsv") => Self::Csv,
            Some("json") => Self::Json,
            Some("jsonl" | "ndjson") => Self::JsonLines,
            _ => Self::Lines,
        }
    }

    /// Guesses the format from the first bytes of a stream (leading white space aside):
    /// `[` JSON; a first line that is one JSON object or string JSON lines; a comma or
    /// tab in the first line CSV (a quoted CSV header such as `"price",qty` included);
    /// else lines.
    ///
    /// ```
    /// use dataproc::input::Format;
    /// assert_eq!(Format::sniff(b"[1, 2]"), Format::Json);
    /// assert_eq!(Format::sniff(b"\n{\"x\": 1}\n{\"x\": 2}\n"), Format::JsonLines);
    /// assert_eq!(Format::sniff(b"\"price\",qty\n1.5,2\n"), Format::Csv);
    /// assert_eq!(Format::sniff(b"1.5\n2\n"), Format::Lines);
    /// ```
    pub fn sniff(head: &[u8]) -> Self {
        let first = first_line(head);
        let json_line = || serde_json::from_slice::<serde::de::IgnoredAny>(first).is_ok();
        match first.trim_ascii_start().first() {
            Some(b'[') => Self::Json,
            Some(b'{' | b'"') if json_line() => Self::JsonLines,
            _ if first.contains(&b',') || first.contains(&b'\t') => Self::Csv,
            _ => Self::Lines,
        }
    }
}

/// The first line of `head` that is not blank (empty when there is none).
fn first_line(head: &[u8]) -> &[u8] {
    head.split(|&b| b == b'\n')
        .find(|line| !line.trim_ascii().is_empty())
        .unwrap_or_default()
}

/// Which CSV column to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    /// By header name (the first record is then the header).
    Name(String),
    /// By index from 0.
    Index(usize),
}

impl Column {
    /// A number is an index, anything else a name.
    pub fn parse(text: &str) -> Self {
        text.parse()
            .map_or_else(|_| Self::Name(text.to_owned()), Self::Index)
    }
}

/// CSV settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvOptions {
    /// The column to read (default: the first).
    pub column: Column,
    /// Field delimiter; `None`: tab for `.tsv` or a tab-sniffed stream, else comma.
    pub delimiter: Option<u8>,
    /// Whether the first record is a header; `None`: yes when a column is named, else
    /// when its first field does not look like data.
    pub header: Option<bool>,
}

impl Default for CsvOptions {
    fn default() -> Self {
        Self {
            column: Column::Index(0),
            delimiter: None,
            header: None,
        }
    }
}

/// An opened input: a buffered reader plus what is known about it.
pub struct Source {
    /// A path, or `-` for standard input.
    pub name: String,
    /// The format in force.
    pub format: Format,
    /// The delimiter a `.tsv` name or a sniffed tab implies.
    pub default_delimiter: u8,
    /// The file, when the input is one (it can then be read in parallel parts).
    pub path: Option<PathBuf>,
    /// Whether the reader is at the start of the input (where a UTF-8 BOM is skipped).
    at_start: bool,
    reader: Box<dyn BufRead>,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source")
            .field("name", &self.name)
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

impl Source {
    /// Opens a file, or standard input for `None` or `-`; `format` overrides the guess.
    ///
    /// # Errors
    /// A validation error when the file cannot be opened or is a directory.
    pub fn open(path: Option<&Path>, format: Option<Format>) -> Result<Self> {
        match path {
            Some(p) if p != Path::new("-") => {
                let file = File::open(p)
                    .map_err(|e| Error::Validation(format!("cannot open {}: {e}", p.display())))?;
                if file.metadata().is_ok_and(|m| m.is_dir()) {
                    return Err(Error::Validation(format!(
                        "cannot read {}: it is a directory; pass a file, or - for standard input",
                        p.display()
                    )));
                }
                let tsv = p.extension().is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
                Ok(Self {
                    name: p.display().to_string(),
                    format: format.unwrap_or_else(|| Format::from_path(p)),
                    default_delimiter: if tsv { b'\t' } else { b',' },
                    path: Some(p.to_path_buf()),
                    at_start: true,
                    reader: Box::new(BufReader::with_capacity(BUFFER, file)),
                })
            }
            _ => Self::from_reader("-", io::stdin(), format),
        }
    }

    /// Wraps any reader; the format is sniffed unless given.
    ///
    /// # Errors
    /// A validation error when the first bytes cannot be read.
    pub fn from_reader(
        name: &str,
        reader: impl Read + 'static,
        format: Option<Format>,
    ) -> Result<Self> {
        let mut reader = BufReader::with_capacity(BUFFER, reader);
        let head = reader.fill_buf().map_err(|e| read_error(name, &e))?;
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        let first = first_line(head);
        let tabbed = first.contains(&b'\t') && !first.contains(&b',');
        let format = format.unwrap_or_else(|| Format::sniff(head));
        Ok(Self {
            name: name.to_owned(),
            format,
            default_delimiter: if tabbed { b'\t' } else { b',' },
            path: None,
            at_start: true,
            reader: Box::new(reader),
        })
    }
}

impl Source {
    /// The reader, past a UTF-8 byte order mark at the start of the input.
    ///
    /// # Errors
    /// A validation error when the first bytes cannot be read.
    pub(crate) fn reader(&mut self) -> Result<&mut dyn BufRead> {
        if std::mem::take(&mut self.at_start) {
            skip_bom(&mut self.reader).map_err(|e| read_error(&self.name, &e))?;
        }
        Ok(&mut *self.reader)
    }

    /// Bytes `from..to` of the file at `path`, read as `format` (for parallel parts).
    pub(crate) fn part(
        path: &Path,
        name: &str,
        format: Format,
        from: u64,
        to: u64,
    ) -> io::Result<Self> {
        let mut file = File::open(path)?;
        file.seek(SeekFrom::Start(from))?;
        Ok(Self {
            name: name.to_owned(),
            format,
            default_delimiter: b',',
            path: None,
            at_start: from == 0,
            reader: Box::new(BufReader::with_capacity(BUFFER, file.take(to - from))),
        })
    }
}

fn read_error(source: &str, e: &io::Error) -> Error {
    Error::Validation(format!("cannot read {source}: {e}"))
}

/// One item from a stream: raw text (a line or a CSV field) or a JSON value.
#[derive(Debug)]
pub enum Item<'a> {
    /// A line (without its line break) or a CSV field.
    Text(&'a [u8]),
    /// An element of a JSON array or a JSON line.
    Json(Value),
}

/// Calls `each` for every item of `source`, in order, with its position; stops at the
/// first error. A CSV's first record is a header by the one rule of
/// [`is_header`] (unless a column is named or the header is given); returns whether
/// one was used (`None` for formats without headers, or no record).
///
/// # Errors
/// Read and syntax errors (naming the line or index), or the first error of `each`.
pub fn for_each_item(
    source: &mut Source,
    csv: &CsvOptions,
    each: &mut dyn FnMut(Item<'_>, Position) -> Result<()>,
) -> Result<Option<bool>> {
    let name = source.name.clone();
    source.reader()?;
    let done = match source.format {
        Format::Lines => read_lines(&mut source.reader, &name, &mut |line, at| {
            each(Item::Text(line), at)
        }),
        Format::JsonLines => read_lines(&mut source.reader, &name, &mut |line, at| {
            if line.trim_ascii().is_empty() {
                return Ok(());
            }
            let value = serde_json::from_slice(line)
                .map_err(|e| Error::Validation(format!("{name}: {at}: invalid JSON: {e}")))?;
            each(Item::Json(value), at)
        }),
        Format::Json => read_json_array(&mut source.reader, &name, each),
        Format::Csv => {
            let delimiter = csv.delimiter.unwrap_or(source.default_delimiter);
            let index = match csv.column {
                Column::Index(i) => i,
                Column::Name(_) => 0,
            };
            let mut column = CsvColumn {
                name: &name,
                opts: csv,
                index,
                each,
            };
            return read_records(&mut source.reader, &name, delimiter, &mut column);
        }
    };
    done.map(|()| None)
}

/// Skips a UTF-8 byte order mark at the reader's position.
fn skip_bom(reader: &mut dyn BufRead) -> io::Result<()> {
    if reader.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    Ok(())
}

/// Lines from a reader, borrowed from its buffer (a line split across reads is copied
/// once). A line ends at `\n` or `\r\n` (neither is passed on, as Python's text mode
/// reads them). Empty lines are passed on; the callers decide.
fn read_lines(
    reader: &mut dyn BufRead,
    name: &str,
    each: &mut dyn FnMut(&[u8], Position) -> Result<()>,
) -> Result<()> {
    let mut carry: Vec<u8> = Vec::new();
    let mut line_no = 0u64;
    loop {
        let buf = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_error(name, &e)),
        };
        if buf.is_empty() {
            break;
        }
        let len = buf.len();
        let mut pos = 0;
        for nl in memchr::memchr_iter(b'\n', buf) {
            line_no += 1;
            if carry.is_empty() {
                each(without_cr(&buf[pos..nl]), Position::Line(line_no))?;
            } else {
                carry.extend_from_slice(&buf[pos..nl]);
                each(without_cr(&carry), Position::Line(line_no))?;
                carry.clear();
            }
            pos = nl + 1;
        }
        carry.extend_from_slice(&buf[pos..]);
        reader.consume(len);
    }
    if !carry.is_empty() {
        each(without_cr(&carry), Position::Line(line_no + 1))?;
    }
    Ok(())
}

/// A line without the `\r` of a `\r\n` line end.
#[inline]
fn without_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The elements of one JSON array, without building the array.
fn read_json_array(
    reader: &mut dyn BufRead,
    name: &str,
    each: &mut dyn FnMut(Item<'_>, Position) -> Result<()>,
) -> Result<()> {
    struct Walk<'a> {
        each: &'a mut dyn FnMut(Item<'_>, Position) -> Result<()>,
        failure: Option<Error>,
    }
    impl<'de> Visitor<'de> for &mut Walk<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON array of items")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut index = 0u64;
            while let Some(value) = seq.next_element::<Value>()? {
                if let Err(e) = (self.each)(Item::Json(value), Position::Item(index)) {
                    self.failure = Some(e);
                    return Err(serde::de::Error::custom("stopped"));
                }
                index += 1;
            }
            Ok(())
        }
    }
    impl<'de> DeserializeSeed<'de> for &mut Walk<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }
    let mut walk = Walk {
        each,
        failure: None,
    };
    let mut de = serde_json::Deserializer::from_reader(reader);
    let outcome = (&mut walk).deserialize(&mut de).and_then(|()| de.end());
    match (outcome, walk.failure) {
        (_, Some(e)) => Err(e),
        (Ok(()), None) => Ok(()),
        (Err(e), None) => Err(Error::Validation(format!(
            "{name}: invalid JSON array: {e}"
        ))),
    }
}

/// A CSV reader of records as they come (no header handling, records of any length).
pub(crate) fn csv_reader<R: Read>(reader: R, delimiter: u8) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(BUFFER)
        .from_reader(reader)
}

/// A CSV syntax or read error, naming the source and line.
pub(crate) fn csv_error(name: &str, e: &csv::Error) -> Error {
    let at = e
        .position()
        .map_or_else(String::new, |p| format!("line {}: ", p.line()));
    Error::Validation(format!("{name}: {at}invalid CSV: {e}"))
}

/// What a CSV reader does with the records: decide the header, then take the data.
pub(crate) trait CsvRecords {
    /// Whether `first` is a header, seeing the `second` record too when there is one.
    fn head(&mut self, first: &csv::ByteRecord, second: Option<&csv::ByteRecord>) -> Result<bool>;
    /// One data record.
    fn record(&mut self, record: &csv::ByteRecord) -> Result<()>;
}

/// Reads a CSV stream (quoting handled by the `csv` crate): the first two records go to
/// [`CsvRecords::head`], then every data record to [`CsvRecords::record`]. Returns
/// whether a header was used (`None`: there was no record).
pub(crate) fn read_records(
    reader: &mut dyn BufRead,
    name: &str,
    delimiter: u8,
    to: &mut dyn CsvRecords,
) -> Result<Option<bool>> {
    let mut csv = csv_reader(reader, delimiter);
    let mut read =
        |r: &mut csv::ByteRecord| csv.read_byte_record(r).map_err(|e| csv_error(name, &e));
    let (mut first, mut record) = (csv::ByteRecord::new(), csv::ByteRecord::new());
    if !read(&mut first)? {
        return Ok(None);
    }
    let has_second = read(&mut record)?;
    let header = to.head(&first, has_second.then_some(&record))?;
    if !header {
        to.record(&first)?;
    }
    if has_second {
        to.record(&record)?;
        while read(&mut record)? {
            to.record(&record)?;
        }
    }
    Ok(Some(header))
}

/// One column of a CSV stream, for the text, categorical and item readers.
struct CsvColumn<'a> {
    name: &'a str,
    opts: &'a CsvOptions,
    index: usize,
    each: &'a mut dyn FnMut(Item<'_>, Position) -> Result<()>,
}

impl CsvRecords for CsvColumn<'_> {
    fn head(&mut self, first: &csv::ByteRecord, second: Option<&csv::ByteRecord>) -> Result<bool> {
        let name = self.name;
        match (&self.opts.column, self.opts.header) {
            (Column::Name(wanted), _) => {
                let found = first
                    .iter()
                    .position(|f| f.trim_ascii() == wanted.as_bytes());
                let Some(found) = found else {
                    let names: Vec<_> = first.iter().map(String::from_utf8_lossy).collect();
                    return Err(Error::Validation(format!(
                        "{name}: no column '{wanted}' in the header ({}); pass --column with one of these or an index",
                        names.join(", ")
                    )));
                };
                self.index = found;
                Ok(true)
            }
            (Column::Index(_), Some(h)) => Ok(h),
            (Column::Index(_), None) => {
                let a: Vec<&[u8]> = first.iter().collect();
                let b: Option<Vec<&[u8]>> = second.map(|r| r.iter().collect());
                Ok(is_header(&a, b.as_deref(), &default_nulls()))
            }
        }
    }

    fn record(&mut self, record: &csv::ByteRecord) -> Result<()> {
        let line = record.position().map_or(0, |p| p.line());
        let i = self.index;
        let Some(field) = record.get(i) else {
            return Err(Error::Validation(format!(
                "{}: line {line}: no column {i} (the record has {} fields)",
                self.name,
                record.len()
            )));
        };
        (self.each)(Item::Text(field), Position::Line(line))
    }
}

/// A text that is not a number, naming the source, position and (in a table of several
/// columns) the column.
pub(crate) fn bad_cell(name: &str, at: Position, column: Option<&str>, text: &[u8]) -> Error {
    let shown = String::from_utf8_lossy(text);
    let column = column.map_or_else(String::new, |c| format!("column '{c}': "));
    Error::Processing(format!(
        "Numeric processing failed: {name}: {at}: {column}Cannot Convert {shown} to numeric: {}",
        string_reason(&shown)
    ))
}

/// Files of numbers or CSV at least this big are read in parallel parts.
pub(crate) const PARALLEL_MIN_BYTES: u64 = 16 << 20;

/// Streams numbers into `processor`: one column of a table (the CSV column of `csv`, the
/// numbers of a file of lines or of JSON), described by [`crate::table`] with the seed's
/// statistics (and `nulls`). Lines are parsed as Python's `float()` does (blank lines
/// skipped), JSON items converted as `float(item)`; big files are folded in parallel
/// parts.
///
/// # Errors
/// Any error of the stream or the fold, naming the bad position; logged at ERROR.
pub fn run_numeric(
    processor: &NumericProcessor,
    source: Source,
    csv: &CsvOptions,
) -> Result<ProcessingResult> {
    let options = TableOptions {
        columns: if source.format == Format::Csv {
            vec![csv.column.clone()]
        } else {
            Vec::new()
        },
        delimiter: csv.delimiter,
        header: csv.header,
        stats: StatSet::from_lists(None, None, processor.options().median)?,
        ..TableOptions::default()
    };
    run_table(processor, source, &options)
}

/// Byte ranges of `path` cut just after a line break near each `size / parts` mark.
pub(crate) fn line_aligned_ranges(
    path: &Path,
    from: u64,
    size: u64,
    parts: usize,
) -> io::Result<Vec<(u64, u64)>> {
    let mut reader = BufReader::new(File::open(path)?);
    let mut cuts = vec![from];
    let mut skipped = Vec::new();
    for k in 1..parts as u64 {
        let mark = (from + (size - from) * k / parts as u64).max(*cuts.last().unwrap_or(&0));
        reader.seek(SeekFrom::Start(mark))?;
        skipped.clear();
        let n = reader.read_until(b'\n', &mut skipped)? as u64;
        cuts.push((mark + n).min(size));
    }
    cuts.push(size);
    Ok(cuts.windows(2).map(|w| (w[0], w[1])).collect())
}

/// Streams texts (lines, CSV fields or JSON strings) into `processor`.
///
/// # Errors
/// Stream errors, a JSON item that is not a string, or more than `max_input_size` items.
pub fn run_text(
    processor: &TextProcessor,
    mut source: Source,
    csv: &CsvOptions,
) -> Result<ProcessingResult> {
    timed(|start| {
        let mut state = TextState::default();
        let name = source.name.clone();
        let config = Processor::config(processor);
        let mut items = 0u64;
        let header = for_each_item(&mut source, csv, &mut |item, at| {
            items += 1;
            check_streamed(config, items, &at)?;
            match item {
                Item::Text(t) => state.push(&String::from_utf8_lossy(t)),
                Item::Json(Value::String(s)) => state.push(&s),
                Item::Json(other) => {
                    return Err(Error::Processing(format!(
                        "Text processing failed: {name}: {at}: expected 'str', not '{}'",
                        py_type_name(&other)
                    )));
                }
            }
            Ok(())
        })?;
        if items == 0 {
            return Err(empty_input());
        }
        let result = processor.finish(&state, streamed(&source, items), items, start);
        Ok(with_header(result, header))
    })
}

/// Streams categories (trimmed lines, CSV fields, JSON items as `str()`) into
/// `processor`; blank lines are skipped.
///
/// # Errors
/// Stream errors or more than `max_input_size` items.
pub fn run_categorical(
    processor: &CategoricalProcessor,
    mut source: Source,
    csv: &CsvOptions,
) -> Result<ProcessingResult> {
    timed(|start| {
        let mut state = CategoricalState::default();
        let config = Processor::config(processor);
        let header = for_each_item(&mut source, csv, &mut |item, at| {
            match item {
                Item::Text(t) => {
                    let t = t.trim_ascii();
                    if t.is_empty() {
                        return Ok(());
                    }
                    state.push(&String::from_utf8_lossy(t));
                }
                Item::Json(v) => state.push(&py_str(&v)),
            }
            check_streamed(config, state.count, &at)
        })?;
        if state.count == 0 {
            return Err(empty_input());
        }
        let result = processor.finish(&state, streamed(&source, state.count), start);
        Ok(with_header(result, header))
    })
}

/// Reads every item into a JSON list (for processors that keep their input, such as the
/// pipeline): JSON arrays and JSON lines as values, lines and CSV fields as strings.
///
/// # Errors
/// Stream errors.
pub fn read_items(mut source: Source, csv: &CsvOptions) -> Result<Value> {
    let mut items = Vec::new();
    for_each_item(&mut source, csv, &mut |item, _| {
        items.push(match item {
            Item::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
            Item::Json(v) => v,
        });
        Ok(())
    })?;
    Ok(Value::Array(items))
}

/// The result with `metadata.header` when the input was CSV.
fn with_header(mut result: ProcessingResult, header: Option<bool>) -> ProcessingResult {
    if let Some(h) = header {
        result.metadata.insert("header".into(), h.into());
    }
    result
}

fn streamed(source: &Source, items: u64) -> InputData {
    InputData::Streamed(StreamedInput {
        source: source.name.clone(),
        format: source.format.name().into(),
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn numbers_file(lines: &[String]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(lines.join("\n").as_bytes()).unwrap();
        f
    }

    #[test]
    fn line_aligned_ranges_cover_the_file_at_line_starts() {
        let lines: Vec<String> = (0..100).map(|i| "x".repeat(i % 7 + 1)).collect();
        let f = numbers_file(&lines);
        let bytes = std::fs::read(f.path()).unwrap();
        let ranges = line_aligned_ranges(f.path(), 0, bytes.len() as u64, 3).unwrap();
        assert_eq!(ranges.first().unwrap().0, 0);
        assert_eq!(ranges.last().unwrap().1, bytes.len() as u64);
        for w in ranges.windows(2) {
            assert_eq!(w[0].1, w[1].0);
            assert_eq!(bytes[w[1].0 as usize - 1], b'\n');
        }
    }
}
