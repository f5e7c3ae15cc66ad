//! The text a user gave, and how byte offsets in it map to lines and columns.

use serde::{Deserialize, Serialize};

/// Inputs larger than this are refused: a migration description is prose,
/// and a multi-megabyte one is a wrong file, not a spec.
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;

/// One input file (or stdin) with a line index.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub name: String,
    pub text: String,
    line_starts: Vec<usize>,
    /// Characters before each [`CHAR_BLOCK`]-byte block, so a column is
    /// found by counting at most one block, however long the line.
    chars_before_block: Vec<usize>,
}

const CHAR_BLOCK: usize = 1024;

/// How many characters of the line an error excerpt shows on each side of
/// the place it points at.
pub const EXCERPT_REACH: usize = 40;

/// A bounded piece of one input line for an error message, with control
/// characters escaped so nothing the input holds can drive a terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    pub text: String,
    /// 1-based character column of the caret inside `text`.
    pub caret: usize,
}

impl Serialize for Excerpt {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// `text` with control characters (other than tab) written as `\u{..}`
/// escapes and cut to `max` characters with an ellipsis: safe to quote a
/// user's value in a message or on a terminal.
pub fn quoted(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        if n == max {
            out.push('…');
            break;
        }
        push_printable(&mut out, c);
    }
    out
}

fn push_printable(out: &mut String, c: char) {
    if c.is_control() && c != '\t' {
        out.push_str(&c.escape_unicode().to_string());
    } else {
        out.push(c);
    }
}

fn is_char_start(b: u8) -> bool {
    b & 0xC0 != 0x80
}

/// A place in the input: byte range plus the 1-based line and column of its
/// start (columns count characters, as editors do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
}

impl SourceText {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut chars_before_block = Vec::with_capacity(text.len() / CHAR_BLOCK + 1);
        let mut chars = 0;
        for block in text.as_bytes().chunks(CHAR_BLOCK) {
            chars_before_block.push(chars);
            chars += block.iter().filter(|b| is_char_start(**b)).count();
        }
        Self {
            name: name.into(),
            text,
            line_starts,
            chars_before_block,
        }
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self.chars_before(end) - self.chars_before(start) + 1;
        (line + 1, column)
    }

    /// Characters in `text[..offset]`, for an offset on a char boundary.
    fn chars_before(&self, offset: usize) -> usize {
        let block = offset / CHAR_BLOCK;
        let Some(&before) = self.chars_before_block.get(block) else {
            return self.text.chars().count();
        };
        let from = block * CHAR_BLOCK;
        before
            + self.text.as_bytes()[from..offset]
                .iter()
                .filter(|b| is_char_start(**b))
                .count()
    }

    /// The part of the line holding `offset` that an error shows: at most
    /// [`EXCERPT_REACH`] characters on either side, escaped.
    pub fn excerpt(&self, offset: usize) -> Excerpt {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let (line, _) = self.line_col(offset);
        let line_start = self.line_starts[line - 1];
        let line_end = self
            .line_starts
            .get(line)
            .map(|e| e - 1)
            .unwrap_or(self.text.len());
        let before: Vec<char> = self.text[line_start..offset]
            .chars()
            .rev()
            .take(EXCERPT_REACH + 1)
            .collect();
        let after = self.text[offset..line_end].trim_end_matches('\r');
        let mut text = String::new();
        if before.len() > EXCERPT_REACH {
            text.push('…');
        }
        for c in before.iter().take(EXCERPT_REACH).rev() {
            push_printable(&mut text, *c);
        }
        let caret = text.chars().count() + 1;
        text.push_str(&quoted(after, EXCERPT_REACH));
        Excerpt { text, caret }
    }

    /// Byte offset of a 1-based line and column (as reported by parsers).
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        self.text[start..]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map(|(i, _)| start + i)
            .unwrap_or(self.text.len())
    }

    pub fn span(&self, start: usize, end: usize) -> Span {
        let (line, column) = self.line_col(start);
        Span {
            start,
            end,
            line,
            column,
        }
    }

    /// `name:line:col` for a byte offset.
    pub fn location(&self, offset: usize) -> String {
        let (line, column) = self.line_col(offset);
        format!("{}:{}:{}", self.name, line, column)
    }

    /// The full text of the line holding `offset`, for error excerpts.
    pub fn line_text(&self, offset: usize) -> &str {
        let (line, _) = self.line_col(offset);
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .map(|e| e - 1)
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches('\r')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_lines_and_character_columns() {
        let s = SourceText::new("f", "ab\nçd\n\nx");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(3), (2, 1));
        assert_eq!(s.line_col(5), (2, 2)); // after the two-byte ç
        assert_eq!(s.line_col(8), (4, 1));
        assert_eq!(s.offset_of(2, 2), 5);
        assert_eq!(s.line_text(5), "çd");
        assert_eq!(s.location(8), "f:4:1");
    }
}
