//! A heatmap drawn on the server as SVG (template `_heatmap.html`): a column of row labels, then a cell per column,
//! shaded in five steps and with its value written, so that it reads without colour and without JavaScript.

use serde::Serialize;

/// The height of the column headings.
const HEADER_HEIGHT: u32 = 40;
/// The height of a row.
const CELL_HEIGHT: u32 = 48;
/// The narrowest label column and cell.
const MIN_LABEL_WIDTH: u32 = 170;
const MIN_CELL_WIDTH: u32 = 110;
/// About how wide a character of the labels is drawn.
const CHAR_WIDTH: u32 = 8;

/// A column heading, drawn centred over its cells.
#[derive(Debug, Serialize)]
pub(crate) struct Column {
    middle: u32,
    label: String,
}

/// One cell: its value as written, and a shade from 0 (white) to 4 (darkest).
#[derive(Debug, Serialize)]
pub(crate) struct Cell {
    x: u32,
    y: u32,
    text: String,
    shade: u8,
}

/// A row: its label and cells.
#[derive(Debug, Serialize)]
pub(crate) struct Row {
    y: u32,
    label: String,
    cells: Vec<Cell>,
}

/// A heatmap laid out for drawing.
#[derive(Debug, Serialize)]
pub(crate) struct Heatmap {
    width: u32,
    height: u32,
    label_width: u32,
    cell_width: u32,
    columns: Vec<Column>,
    rows: Vec<Row>,
}

fn text_width(texts: impl Iterator<Item = usize>, least: u32) -> u32 {
    let longest = texts.max().unwrap_or(0);
    (u32::try_from(longest).unwrap_or(40) * CHAR_WIDTH + 20).max(least)
}

impl Heatmap {
    /// Lays out `rows` (a label and a (text, shade) per column) under `columns`, wide enough for the labels.
    pub(crate) fn new(columns: Vec<String>, rows: Vec<(String, Vec<(String, u8)>)>) -> Self {
        let label_width = text_width(rows.iter().map(|(label, _)| label.chars().count()), MIN_LABEL_WIDTH);
        let cell_width = text_width(columns.iter().map(|label| label.chars().count()), MIN_CELL_WIDTH);
        let x_of = |column: usize| label_width + u32::try_from(column).unwrap_or(0) * cell_width;
        let rows: Vec<Row> = rows
            .into_iter()
            .zip(0_u32..)
            .map(|((label, cells), row)| {
                let y = HEADER_HEIGHT + row * CELL_HEIGHT;
                Row {
                    y,
                    label,
                    cells: cells
                        .into_iter()
                        .enumerate()
                        .map(|(column, (text, shade))| Cell {
                            x: x_of(column),
                            y,
                            text,
                            shade: shade.min(4),
                        })
                        .collect(),
                }
            })
            .collect();
        Self {
            width: x_of(columns.len()),
            height: HEADER_HEIGHT + u32::try_from(rows.len()).unwrap_or(0) * CELL_HEIGHT,
            label_width,
            cell_width,
            columns: columns
                .into_iter()
                .enumerate()
                .map(|(column, label)| Column {
                    middle: x_of(column) + cell_width / 2,
                    label,
                })
                .collect(),
            rows,
        }
    }
}

/// The shade (1–4) of `part` of `whole`, 0 when there is none.
pub(crate) fn shade(part: u64, whole: u64) -> u8 {
    if part == 0 || whole == 0 {
        0
    } else {
        u8::try_from((part * 4).div_ceil(whole)).unwrap_or(4).clamp(1, 4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_laid_out_in_a_grid_wide_enough_for_the_labels() {
        let map = Heatmap::new(
            vec!["A".to_owned(), "B".to_owned()],
            vec![
                (
                    "Barn- och utbildningsnämnden".to_owned(),
                    vec![("1".to_owned(), 1), ("2".to_owned(), 9)],
                ),
                ("Kort".to_owned(), vec![("3".to_owned(), 0), ("4".to_owned(), 2)]),
            ],
        );
        assert!(map.label_width >= 28 * CHAR_WIDTH);
        assert_eq!(map.cell_width, MIN_CELL_WIDTH);
        assert_eq!(map.rows[1].cells[1].x, map.label_width + MIN_CELL_WIDTH);
        assert_eq!(map.rows[1].y, HEADER_HEIGHT + CELL_HEIGHT);
        assert_eq!(map.rows[0].cells[1].shade, 4, "shades stop at 4");
        assert_eq!(map.width, map.label_width + 2 * MIN_CELL_WIDTH);
        assert_eq!(map.height, HEADER_HEIGHT + 2 * CELL_HEIGHT);
    }

    #[test]
    fn shades_grow_with_the_share_and_none_is_white() {
        assert_eq!(
            [shade(0, 10), shade(1, 10), shade(5, 10), shade(10, 10), shade(3, 0)],
            [0, 1, 2, 4, 0]
        );
    }
}
