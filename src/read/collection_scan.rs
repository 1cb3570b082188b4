//! Finding the members of a GeoJSON FeatureCollection, and the bytes of each feature,
//! without parsing them: the features can then be parsed in parallel. Only well-formed
//! JSON is split; anything else gives `None`, and the caller's serial parse names the
//! line and column at fault.

use std::ops::Range;

/// The byte ranges of a FeatureCollection's members: every member but `features` by
/// its key (the key's text as written), and each feature of `features`.
#[derive(Debug, Default, PartialEq)]
pub struct Parts<'a> {
    pub members: Vec<(&'a [u8], Range<usize>)>,
    pub features: Vec<Range<usize>>,
}

/// Splits `text`, a JSON object with one `features` array, into its [`Parts`]; `None`
/// when it is not such an object (malformed, truncated, no `features` or two of them).
pub fn split(text: &[u8]) -> Option<Parts<'_>> {
    let mut scan = Scan { text, at: 0 };
    let mut parts = Parts::default();
    let mut features = false;
    scan.expect(b'{')?;
    if !scan.next_is(b'}') {
        loop {
            let key = scan.string()?;
            scan.expect(b':')?;
            let key = &text[key.start + 1..key.end - 1];
            if key == b"features" {
                if std::mem::replace(&mut features, true) {
                    return None;
                }
                parts.features = scan.array()?;
            } else {
                let value = scan.value()?;
                parts.members.push((key, value));
            }
            if !scan.next_is(b',') {
                scan.expect(b'}')?;
                break;
            }
        }
    }
    scan.blank();
    (features && scan.at == text.len()).then_some(parts)
}

/// A cursor over JSON text.
struct Scan<'a> {
    text: &'a [u8],
    at: usize,
}

impl Scan<'_> {
    /// Skips white space.
    fn blank(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.text.get(self.at) {
            self.at += 1;
        }
    }

    /// Consumes `byte` after white space if it comes next.
    fn next_is(&mut self, byte: u8) -> bool {
        self.blank();
        let found = self.text.get(self.at) == Some(&byte);
        self.at += usize::from(found);
        found
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.next_is(byte).then_some(())
    }

    /// A string, quotes included.
    fn string(&mut self) -> Option<Range<usize>> {
        self.blank();
        let start = self.at;
        (self.text.get(start) == Some(&b'"')).then_some(())?;
        let mut at = start + 1;
        loop {
            match self.text.get(at)? {
                b'"' => break,
                b'\\' => at += 2,
                b if *b < 0x20 => return None,
                _ => at += 1,
            }
        }
        self.at = at + 1;
        Some(start..self.at)
    }

    /// The elements of an array.
    fn array(&mut self) -> Option<Vec<Range<usize>>> {
        self.expect(b'[')?;
        let mut elements = Vec::new();
        if self.next_is(b']') {
            return Some(elements);
        }
        loop {
            elements.push(self.value()?);
            if !self.next_is(b',') {
                self.expect(b']')?;
                return Some(elements);
            }
        }
    }

    /// Any value: its nesting is followed (strings skipped whole), not its content,
    /// which the parser of the range checks.
    fn value(&mut self) -> Option<Range<usize>> {
        self.blank();
        let start = self.at;
        match *self.text.get(start)? {
            b'"' => return self.string(),
            b'{' | b'[' => {}
            _ => {
                let length = self.text[start..]
                    .iter()
                    .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t'))
                    .unwrap_or(self.text.len() - start);
                self.at = start + length;
                return (length > 0).then_some(start..self.at);
            }
        }
        let (text, mut at, mut depth) = (self.text, start, 0usize);
        loop {
            // Most bytes are digits, commas and letters: skipped in a tight loop.
            at += text
                .get(at..)?
                .iter()
                .position(|b| NESTING[usize::from(*b)])?;
            match text[at] {
                b'"' => {
                    self.at = at;
                    at = self.string()?.end;
                    continue;
                }
                b'{' | b'[' => depth += 1,
                _ => {
                    depth -= 1;
                    if depth == 0 {
                        self.at = at + 1;
                        return Some(start..self.at);
                    }
                }
            }
            at += 1;
        }
    }
}

/// The bytes that open or close a string, an object or an array.
const NESTING: [bool; 256] = {
    let mut table = [false; 256];
    let mut k = 0;
    while k < 5 {
        table[b"\"{}[]"[k] as usize] = true;
        k += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(text: &'a str, parts: &Parts<'a>) -> (Vec<(&'a str, &'a str)>, Vec<&'a str>) {
        let members = parts
            .members
            .iter()
            .map(|(k, r)| (std::str::from_utf8(k).unwrap(), &text[r.clone()]))
            .collect();
        let features = parts.features.iter().map(|r| &text[r.clone()]).collect();
        (members, features)
    }

    #[test]
    fn members_and_features_are_found_whatever_their_order_and_spacing() {
        let text = r#" { "type" : "FeatureCollection", "features" : [ {"type":"Feature","properties":{"nom":"a \"]} b"},"geometry":null} ,
            {"properties":{"n":[1,{"x":-2.5e3}]}} ], "crs": {"type":"name"}, "n": 12 , "t": true }  "#;
        let parts = split(text.as_bytes()).unwrap();
        let (members, features) = texts(text, &parts);
        assert_eq!(
            members,
            [
                ("type", "\"FeatureCollection\""),
                ("crs", "{\"type\":\"name\"}"),
                ("n", "12"),
                ("t", "true")
            ]
        );
        assert_eq!(
            features,
            [
                r#"{"type":"Feature","properties":{"nom":"a \"]} b"},"geometry":null}"#,
                r#"{"properties":{"n":[1,{"x":-2.5e3}]}}"#
            ]
        );
        let empty = split(br#"{"features":[]}"#).unwrap();
        assert!(empty.features.is_empty() && empty.members.is_empty());
    }

    #[test]
    fn what_is_not_one_well_formed_collection_is_not_split() {
        for text in [
            r#"{"type":"FeatureCollection","features":[{"a":1}"#,
            r#"{"type":"FeatureCollection","features":[{"a":1}]"#,
            r#"{"type":"FeatureCollection"}"#,
            r#"{"features":[],"features":[]}"#,
            r#"{"features":[]} x"#,
            r#"{"features":[{"a":"b]}"#,
            r#"["features"]"#,
            r#"{"features":[,]}"#,
            "",
        ] {
            assert_eq!(split(text.as_bytes()), None, "{text}");
        }
    }
}
