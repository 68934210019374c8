//! CSV without quotes, split on its delimiters without the csv crate's state machine or
//! a copy: the parallel table path splits a file into line-aligned parts, and in a part
//! without `"` a record is a line and a field is what lies between delimiters, read in
//! place from the reader's buffer. Lines end in `\n` or `\r\n` and blank lines are
//! skipped, as the csv crate reads them. A quote (where a field may hold a delimiter or
//! a line break) or a lone `\r` (which the csv crate would take as a line break) is
//! refused with an error, and the caller reads the file with the csv crate instead. Each
//! part looks for quotes in its own bytes as it reads them, so no pass over the whole
//! file comes first.

use std::io::BufRead;

use crate::error::{Error, Result};

/// One record of a quote-free CSV: its line and where each field ends.
#[derive(Debug)]
pub(crate) struct PlainRecord<'l> {
    line: &'l [u8],
    ends: &'l [usize],
    /// The line number (from 1) within what was read.
    line_no: u64,
}

impl PlainRecord<'_> {
    /// Field `i`, if the record has that many.
    #[inline]
    pub(crate) fn get(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1] + 1,
        };
        self.line.get(start..end)
    }

    /// How many fields the record has.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The record's line number (from 1) in what the reader gave.
    pub(crate) fn line(&self) -> u64 {
        self.line_no
    }
}

/// Calls `each` with every non-blank line of `reader` split on `delimiter`; `name` names
/// the source in a read error.
pub(crate) fn for_each_record(
    reader: &mut dyn BufRead,
    name: &str,
    delimiter: u8,
    each: &mut dyn FnMut(&PlainRecord<'_>) -> Result<()>,
) -> Result<()> {
    let mut ends = Vec::new();
    // A line cut by the end of the buffer.
    let mut carry = Vec::new();
    let mut line_no = 0;
    loop {
        let buf = reader
            .fill_buf()
            .map_err(|e| Error::Validation(format!("{name}: {e}")))?;
        if buf.is_empty() {
            break;
        }
        if memchr::memchr(b'"', buf).is_some() {
            return Err(Error::Validation(format!(
                "{name}: a quote after line {line_no}: not a plain CSV"
            )));
        }
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', buf) {
            line_no += 1;
            if carry.is_empty() {
                split_line(&buf[start..nl], line_no, delimiter, &mut ends, each)?;
            } else {
                carry.extend_from_slice(&buf[start..nl]);
                split_line(&carry, line_no, delimiter, &mut ends, each)?;
                carry.clear();
            }
            start = nl + 1;
        }
        carry.extend_from_slice(&buf[start..]);
        let n = buf.len();
        reader.consume(n);
    }
    if !carry.is_empty() {
        split_line(&carry, line_no + 1, delimiter, &mut ends, each)?;
    }
    Ok(())
}

/// Splits one line (without its `\n`) and hands it to `each`, unless it is blank.
#[inline]
fn split_line(
    line: &[u8],
    line_no: u64,
    delimiter: u8,
    ends: &mut Vec<usize>,
    each: &mut dyn FnMut(&PlainRecord<'_>) -> Result<()>,
) -> Result<()> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.is_empty() {
        return Ok(());
    }
    ends.clear();
    let lone_cr = find_delimiters(line, delimiter, ends);
    if lone_cr && delimiter != b'\r' {
        return Err(Error::Validation(format!(
            "line {line_no}: a lone carriage return"
        )));
    }
    ends.push(line.len());
    each(&PlainRecord {
        line,
        ends,
        line_no,
    })
}

/// Each byte of a word that is zero, as its top bit (exact: no false matches).
#[inline(always)]
fn zero_bytes(x: u64) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    !(((x & LOW7) + LOW7) | x) & !LOW7
}

/// Pushes the offset of every `delimiter` in `line` to `ends`; whether `line` holds a
/// `\r`. Fields are short, so rather than a vectorised search started per field, the
/// line is scanned eight bytes a word (SWAR), then byte by byte for the rest.
#[inline]
fn find_delimiters(line: &[u8], delimiter: u8, ends: &mut Vec<usize>) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let (wanted, cr) = (ONES * u64::from(delimiter), ONES * u64::from(b'\r'));
    let mut carriage = 0;
    let words = line.chunks_exact(8);
    let tail = words.remainder();
    for (w, chunk) in words.enumerate() {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(chunk);
        let word = u64::from_le_bytes(bytes);
        carriage |= zero_bytes(word ^ cr);
        let mut found = zero_bytes(word ^ wanted);
        while found != 0 {
            ends.push(w * 8 + (found.trailing_zeros() / 8) as usize);
            found &= found - 1;
        }
    }
    let base = line.len() - tail.len();
    let mut lone_cr = carriage != 0;
    for (at, &byte) in tail.iter().enumerate() {
        if byte == delimiter {
            ends.push(base + at);
        }
        lone_cr |= byte == b'\r';
    }
    lone_cr
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str, capacity: usize) -> Result<Vec<(u64, Vec<String>)>> {
        let mut reader = std::io::BufReader::with_capacity(capacity, text.as_bytes());
        let mut out = Vec::new();
        for_each_record(&mut reader, "t", b',', &mut |record| {
            let fields = (0..record.len())
                .map(|i| String::from_utf8_lossy(record.get(i).unwrap()).into_owned())
                .collect();
            out.push((record.line(), fields));
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn fields_split_as_the_csv_crate_splits_them() {
        let text = "a,b,,c\r\n\n1,2\r\n\r\n,\nlast";
        let mut csv = crate::input::csv_reader(text.as_bytes(), b',');
        let want: Vec<Vec<String>> = csv
            .byte_records()
            .map(|r| {
                r.unwrap()
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect()
            })
            .collect();
        // Buffers of 3 bytes cut lines (and a CRLF) anywhere.
        for capacity in [3, 4, 1 << 16] {
            let got = records(text, capacity).unwrap();
            assert_eq!(got.iter().map(|(_, f)| f.clone()).collect::<Vec<_>>(), want);
            assert_eq!(
                got.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
                [1, 3, 5, 6]
            );
        }
    }

    #[test]
    fn delimiters_are_found_at_every_offset() {
        let line: Vec<u8> = (0..40u8)
            .map(|i| match i % 7 {
                0 | 3 => b';',
                5 => 0xBB, // a byte with the top bit set
                _ => b'0' + i % 10,
            })
            .collect();
        for len in 0..line.len() {
            let mut ends = Vec::new();
            let cr = find_delimiters(&line[..len], b';', &mut ends);
            let want: Vec<usize> = (0..len).filter(|&i| line[i] == b';').collect();
            assert_eq!(ends, want, "{len}");
            assert!(!cr);
        }
        let mut ends = Vec::new();
        assert!(find_delimiters(b"12345678\r,", b',', &mut ends));
        assert!(find_delimiters(b"1234\r678,", b',', &mut ends));
    }

    #[test]
    fn a_lone_carriage_return_or_a_quote_is_refused() {
        assert!(records("1,2\r3\n", 1 << 10).is_err());
        assert!(records("1,2\n3,\"4\"\n", 4).is_err());
    }
}
