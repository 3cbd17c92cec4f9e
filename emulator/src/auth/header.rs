//! Reading `Authorization` header values: the scheme in front (`Digest`, `Bearer`, `Basic`), and the
//! `name=value` list of a digest answer.

use std::collections::HashMap;

/// `Scheme rest` -> `rest`, with the scheme matched case-insensitively.
pub(crate) fn strip_scheme<'a>(header: &'a str, scheme: &str) -> Option<&'a str> {
    let (given, rest) = header.trim_start().split_once(' ')?;
    given
        .eq_ignore_ascii_case(scheme)
        .then_some(rest.trim_start())
}

/// Parses `name=value, name="quoted \"value\""` pairs. Names are lower-cased; a later duplicate
/// makes the header malformed.
pub(crate) fn parse_params(text: &str) -> Option<HashMap<String, String>> {
    let mut params = HashMap::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace() || *c == ',').is_some() {}
        if chars.peek().is_none() {
            return Some(params);
        }
        let mut name = String::new();
        while let Some(c) = chars.next_if(|c| *c != '=' && *c != ',' && !c.is_whitespace()) {
            name.push(c.to_ascii_lowercase());
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.next() != Some('=') || name.is_empty() {
            return None;
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if_eq(&'"').is_some() {
            loop {
                match chars.next()? {
                    '"' => break,
                    '\\' => value.push(chars.next()?),
                    c => value.push(c),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| *c != ',' && !c.is_whitespace()) {
                value.push(c);
            }
        }
        if params.insert(name, value).is_some() {
            return None;
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        match chars.peek() {
            None | Some(',') => {}
            Some(_) => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quoted_and_bare_values() {
        let params = parse_params(r#"Username="a\"b", qop=auth ,nc=00000001,empty="""#).unwrap();
        assert_eq!(params["username"], "a\"b");
        assert_eq!(params["qop"], "auth");
        assert_eq!(params["nc"], "00000001");
        assert_eq!(params["empty"], "");
        assert!(parse_params("a=1, a=2").is_none());
        assert!(parse_params("a=\"unterminated").is_none());
        assert!(parse_params("a b").is_none());
    }

    #[test]
    fn schemes_are_case_insensitive() {
        assert_eq!(strip_scheme("BEARER abc", "bearer"), Some("abc"));
        assert_eq!(strip_scheme("Digest a=b", "bearer"), None);
        assert_eq!(strip_scheme("Bearer", "bearer"), None);
    }
}
