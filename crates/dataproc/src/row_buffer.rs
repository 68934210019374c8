//! A group's numbers kept row by row in one interleaved buffer, for `--group-by` over
//! CSV.
//!
//! With many groups, folding each cell straight into its column's fold touches a fold
//! and the end of a value vector per column, each long out of cache (1,000 groups of 4
//! columns: 8,000 places a row may land). A [`RowBuffer`] holds a group's rows side by
//! side instead — the row's numbers in one or two cache lines — and hands them to the
//! column folds column by column later, in row order, so the folds compute exactly what
//! they would have: every 16 rows when nothing keeps every value, or when the table is
//! finished when an order statistic (the exact median, quantiles) keeps them anyway.
//! A cell that is not a number (missing, text, skipped) is counted by its fold at once
//! and held as NaN in the row (a fold only takes finite numbers, so NaN means "no
//! number here").

use crate::columns::ColumnFold;

/// Rows a buffer that does not keep its rows gathers before it hands them on.
const BATCH_ROWS: usize = 16;

/// One group's rows of numbers, `width` cells each.
#[derive(Debug, Clone)]
pub(crate) struct RowBuffer {
    width: usize,
    /// Whether rows stay until [`RowBuffer::drain_into`] is called at the end (the folds
    /// keep every value anyway) rather than every [`BATCH_ROWS`] rows.
    keep: bool,
    rows: Vec<f64>,
    /// Rows of later parts of the input, taken over by [`RowBuffer::take_over`].
    parts: Vec<Vec<f64>>,
}

impl RowBuffer {
    /// An empty buffer of rows of `width` cells.
    pub(crate) fn new(width: usize, keep: bool) -> Self {
        Self {
            width,
            keep,
            rows: Vec::new(),
            parts: Vec::new(),
        }
    }

    /// A new row, every cell NaN ("no number") until set.
    #[inline]
    pub(crate) fn row(&mut self) -> &mut [f64] {
        let at = self.rows.len();
        self.rows.resize(at + self.width, f64::NAN);
        &mut self.rows[at..]
    }

    /// Whether the rows are due to be handed to the folds.
    #[inline]
    pub(crate) fn full(&self) -> bool {
        !self.keep && self.rows.len() >= BATCH_ROWS * self.width
    }

    /// Hands every held number to its column's fold (cell `c` to `folds[c]`), in row
    /// order, and empties the buffer.
    pub(crate) fn drain_into(&mut self, folds: &mut [ColumnFold]) {
        let width = self.width.max(1);
        let parts = std::iter::once(std::mem::take(&mut self.rows)).chain(self.parts.drain(..));
        let parts: Vec<Vec<f64>> = parts.filter(|p| !p.is_empty()).collect();
        let rows: usize = parts.iter().map(|p| p.len() / width).sum();
        for (c, fold) in folds.iter_mut().enumerate().take(width) {
            fold.reserve(rows);
            for part in &parts {
                for &x in part.iter().skip(c).step_by(width) {
                    if !x.is_nan() {
                        fold.push(x);
                    }
                }
            }
        }
        if !self.keep {
            // Reuse the batch's room.
            if let Some(mut first) = parts.into_iter().next() {
                first.clear();
                self.rows = first;
            }
        }
    }

    /// Takes in the buffer of the same group from a later part of the input: its rows
    /// follow these. A buffer that does not keep rows must be drained first.
    pub(crate) fn take_over(&mut self, other: Self) {
        debug_assert!(self.keep || (self.rows.is_empty() && other.rows.is_empty()));
        self.parts.extend(
            std::iter::once(other.rows)
                .chain(other.parts)
                .filter(|p| !p.is_empty()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Median;
    use crate::columns::StatSet;

    #[test]
    fn rows_reach_their_folds_in_order_as_direct_pushes_do() {
        let set = StatSet::from_lists(
            Some("count,nulls,sum,median,mode,stdev"),
            Some("0.3"),
            Median::Exact,
        )
        .unwrap();
        for keep in [false, true] {
            let mut direct = vec![ColumnFold::new(&set), ColumnFold::new(&set)];
            let mut first = RowBuffer::new(2, keep);
            let mut later = RowBuffer::new(2, keep);
            let mut folds = direct.clone();
            let mut later_folds = direct.clone();
            for i in 0..101 {
                let (buffer, fold) = if i < 40 {
                    (&mut first, &mut folds)
                } else {
                    (&mut later, &mut later_folds)
                };
                let a = f64::from(i % 13) - 2.5;
                let row = buffer.row();
                row[0] = a;
                direct[0].push(a);
                if i % 7 == 0 {
                    fold[1].push_null();
                    direct[1].push_null();
                } else {
                    row[1] = f64::from(i % 5);
                    direct[1].push(f64::from(i % 5));
                }
                if buffer.full() {
                    buffer.drain_into(fold);
                }
            }
            if !keep {
                first.drain_into(&mut folds);
                later.drain_into(&mut later_folds);
            }
            first.take_over(later);
            for (mine, theirs) in folds.iter_mut().zip(later_folds) {
                mine.merge(theirs);
            }
            first.drain_into(&mut folds);
            for (got, want) in folds.into_iter().zip(direct) {
                assert_eq!(got.finish(&set), want.finish(&set), "keep: {keep}");
            }
        }
    }
}
