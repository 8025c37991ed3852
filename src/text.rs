//! Text files as archaudit reads them: UTF-8, with the position of the first invalid byte.

/// Why a file is not UTF-8 text, with the 1-based line and column of the first bad byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotUtf8 {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in bytes).
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// The 1-based line and column (in bytes) of byte `at` of `bytes`.
pub fn position(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at.min(bytes.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    (line, before.len() - start + 1)
}

/// What is wrong with the file's first bytes, if they are a UTF-16 or UTF-8 byte-order mark.
pub fn byte_order_mark(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        Some("the file is UTF-16: save it as UTF-8")
    } else if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        Some("the file starts with a UTF-8 byte-order mark: save it without one")
    } else {
        None
    }
}

/// `bytes` as a string, or where and why it is not UTF-8 (a UTF-16 or UTF-8 byte-order mark
/// is named as such).
pub fn utf8(bytes: Vec<u8>) -> Result<String, NotUtf8> {
    if let Some(message) = byte_order_mark(&bytes) {
        return Err(NotUtf8 {
            line: 1,
            column: 1,
            message: message.to_owned(),
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let (line, column) = position(e.as_bytes(), at);
        NotUtf8 {
            line,
            column,
            message: format!(
                "not UTF-8: invalid byte 0x{:02x} (byte {at})",
                e.as_bytes()[at]
            ),
        }
    })
}

/// `path` relative to the working directory when it lies under it (GitHub resolves SARIF
/// URIs against the repository root, where the workflow runs), with `/` separators.
pub fn relative_path(path: &std::path::Path) -> String {
    let cwd = std::env::current_dir().ok();
    let rel = match (path.is_absolute(), cwd) {
        (true, Some(cwd)) => path.strip_prefix(&cwd).unwrap_or(path),
        _ => path,
    };
    let text = rel.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").unwrap_or(&text).to_owned()
}

/// Where `text` nests brackets (`[`, `{`, outside quoted strings) deeper than `max`, as a
/// 1-based (line, column): a guard before a parser whose cost grows with the depth.
pub fn too_deep(text: &str, max: usize) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match (quote, b) {
            (Some(b'"'), b'\\') => i += 1,
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'[' | b'{') => {
                depth += 1;
                if depth > max {
                    return Some(position(bytes, i));
                }
            }
            (None, b']' | b'}') => depth = depth.saturating_sub(1),
            (None, b'\n') => quote = None,
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_lines_and_columns() {
        assert_eq!(utf8(b"ok\n".to_vec()).unwrap(), "ok\n");
        let e = utf8(b"line one\nab\xffc".to_vec()).unwrap_err();
        assert_eq!((e.line, e.column), (2, 3));
        assert!(e.message.contains("0xff"));
        assert_eq!(utf8(vec![0xFF, 0xFE, b'a', 0]).unwrap_err().line, 1);
        assert!(utf8(b"\xef\xbb\xbfx".to_vec())
            .unwrap_err()
            .message
            .contains("byte-order mark"));
    }

    #[test]
    fn depth_counts_brackets_outside_strings_only() {
        assert_eq!(too_deep("[[1]]", 2), None);
        assert_eq!(too_deep("a = [\n  [[1]]]", 2), Some((2, 4)));
        assert_eq!(too_deep("s = \"[[[[\"", 1), None);
        assert_eq!(too_deep("s = '[[[[' # x", 1), None);
        assert_eq!(too_deep(r#"s = "\"[[" "#, 0), None);
    }
}

/// One step of a path into a JSON document: an object's key or an array's index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonStep<'a> {
    /// An object member.
    Key(&'a str),
    /// An array element.
    Index(usize),
}

/// The 1-based (line, column) where the value at `path` starts in the JSON document
/// `bytes`, for errors about a value the parser accepted but archaudit refuses (a duplicate,
/// a tampered step). `None` when the path is not in the document. Linear in the bytes before
/// the value; it never builds a tree.
pub fn json_position(bytes: &[u8], path: &[JsonStep<'_>]) -> Option<(usize, usize)> {
    let mut s = JsonScan { b: bytes, i: 0 };
    for step in path {
        s.ws();
        match (*step, s.peek()?) {
            (JsonStep::Key(key), b'{') => {
                s.i += 1;
                loop {
                    s.ws();
                    if s.peek()? == b'}' {
                        return None;
                    }
                    let found = s.string()?;
                    s.ws();
                    s.eat(b':')?;
                    s.ws();
                    if json_key_is(found, key) {
                        break;
                    }
                    s.skip_value()?;
                    s.ws();
                    if s.peek()? == b',' {
                        s.i += 1;
                    }
                }
            }
            (JsonStep::Index(n), b'[') => {
                s.i += 1;
                for _ in 0..n {
                    s.ws();
                    if s.peek()? == b']' {
                        return None;
                    }
                    s.skip_value()?;
                    s.ws();
                    s.eat(b',')?;
                }
                s.ws();
                if s.peek()? == b']' {
                    return None;
                }
            }
            _ => return None,
        }
    }
    s.ws();
    Some(position(bytes, s.i))
}

/// Whether the raw (still escaped) JSON string `raw` spells `key`.
fn json_key_is(raw: &[u8], key: &str) -> bool {
    if !raw.contains(&b'\\') {
        return raw == key.as_bytes();
    }
    let quoted = [b"\"", raw, b"\""].concat();
    serde_json::from_slice::<String>(&quoted).is_ok_and(|k| k == key)
}

struct JsonScan<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> JsonScan<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// A string's raw bytes between its quotes.
    fn string(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.i;
        loop {
            match self.peek()? {
                b'\\' => self.i += 2,
                b'"' => {
                    self.i += 1;
                    return Some(&self.b[start..self.i - 1]);
                }
                _ => self.i += 1,
            }
        }
    }

    fn skip_value(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            self.ws();
            match self.peek()? {
                b'"' => {
                    self.string()?;
                }
                b'{' | b'[' => {
                    depth += 1;
                    self.i += 1;
                    continue;
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    self.i += 1;
                }
                b',' | b':' if depth > 0 => {
                    self.i += 1;
                    continue;
                }
                _ => {
                    while !matches!(
                        self.peek()?,
                        b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'
                    ) {
                        self.i += 1;
                    }
                }
            }
            if depth == 0 {
                return Some(());
            }
        }
    }
}

#[cfg(test)]
mod json_position_tests {
    use super::{json_position, JsonStep::*};

    #[test]
    fn finds_members_and_elements_past_strings_and_nesting() {
        let text = br#"{"a": "x\"}]", "b": [1, {"c": [2, 3]}, {"d": "e"}],
 "entries": [{"x": 1},
  {"steps": [{"y": 2}, {"z": "w"}]}]}"#;
        assert_eq!(json_position(text, &[Key("b")]), Some((1, 21)));
        assert_eq!(json_position(text, &[Key("b"), Index(2)]), Some((1, 40)));
        assert_eq!(
            json_position(text, &[Key("entries"), Index(1), Key("steps"), Index(1)]),
            Some((3, 24))
        );
        assert_eq!(json_position(text, &[Key("entries"), Index(2)]), None);
        assert_eq!(json_position(text, &[Key("nope")]), None);
        assert_eq!(json_position(text, &[Key("a"), Index(0)]), None);
        assert_eq!(
            json_position(br#"{"k\u0065y": 1}"#, &[Key("key")]),
            Some((1, 14))
        );
        // Broken input gives no position rather than a wrong one or a panic.
        assert_eq!(json_position(br#"{"a": [1, "#, &[Key("a"), Index(3)]), None);
    }
}
