//! `--jq EXPR`: a jq filter (the jaq implementation) over the JSON a command would print, so
//! pipelines can pick fields without a jq binary.
//!
//! The expression is compiled while settings are resolved, so a bad one is a usage error
//! before any request. Outputs are printed one per line like `jq -r`: strings without quotes,
//! everything else as compact JSON. `env` is disabled because the environment holds API keys,
//! and module imports are not available (nothing is read from disk).

use crate::errors::{ExitWith, UsageError, exit};
use anyhow::Result;
use jaq_core::load::{self, Arena, File, Loader};
use jaq_core::native::{Fun, bome, v};
use jaq_core::{Compiler, Ctx, DataT, Native, RunPtr, Vars, data};
use jaq_json::Val;
use std::fmt;
use std::io::Write;

type Data = data::JustLut<Val>;

/// A compiled `--jq` expression.
pub struct JqFilter {
    expr: String,
    filter: jaq_core::Filter<Data>,
}

impl fmt::Debug for JqFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JqFilter")
            .field("expr", &self.expr)
            .finish()
    }
}

impl JqFilter {
    /// Parses and compiles `expr` against jq's standard library.
    pub fn compile(expr: &str) -> Result<JqFilter, UsageError> {
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let loader = Loader::new(defs);
        let arena = Arena::default();
        let modules = loader
            .load(
                &arena,
                File {
                    code: expr,
                    path: (),
                },
            )
            .map_err(|errors| {
                let reasons: Vec<String> = errors
                    .into_iter()
                    .flat_map(|(_, e)| describe_load_error(expr, e))
                    .collect();
                invalid(expr, &reasons)
            })?;
        let filter = Compiler::default()
            .with_funs(natives())
            .compile(modules)
            .map_err(|errors| {
                let reasons: Vec<String> = errors
                    .into_iter()
                    .flat_map(|(_, undefined)| undefined)
                    .map(|(name, kind)| format!("undefined {} '{name}'", kind.as_str()))
                    .collect();
                invalid(expr, &reasons)
            })?;
        Ok(JqFilter {
            expr: expr.to_string(),
            filter,
        })
    }

    /// Runs the filter on one JSON document and prints each output on its own line.
    pub fn run(&self, input: &[u8], out: &mut impl Write) -> Result<()> {
        let input = jaq_json::read::parse_single(input)
            .map_err(|e| anyhow::anyhow!("--jq: the JSON to filter cannot be read: {e}"))?;
        let ctx = Ctx::<Data>::new(&self.filter.lut, Vars::new([]));
        for output in self.filter.id.run((ctx, input)) {
            match output {
                Ok(value) => write_value(out, &value)?,
                Err(exception) => match exception.get_err() {
                    Ok(error) => {
                        return Err(anyhow::anyhow!("--jq '{}': {error}", self.expr));
                    }
                    Err(exception) => {
                        // `halt` and `halt_error` end the output; a non-zero code fails the run.
                        let code = exception.get_halt().unwrap_or(exit::FAILURE.into());
                        if code == 0 {
                            return Ok(());
                        }
                        return Err(ExitWith {
                            code: exit::FAILURE,
                            message: Some(format!("--jq '{}' halted with code {code}", self.expr)),
                        }
                        .into());
                    }
                },
            }
        }
        Ok(())
    }
}

/// Like `jq -r`: a string prints as its text, anything else as compact JSON.
fn write_value(out: &mut impl Write, value: &Val) -> std::io::Result<()> {
    match value {
        Val::TStr(text) | Val::BStr(text) => {
            out.write_all(text)?;
            writeln!(out)
        }
        other => writeln!(out, "{other}"),
    }
}

/// The standard natives, with `env` replaced by one that refuses: `--jq env` would otherwise
/// print the private API key from the environment.
fn natives() -> impl Iterator<Item = Fun<Data>> {
    jaq_core::funs()
        .chain(jaq_std::funs().filter(|(name, _, _)| *name != "env"))
        .chain(jaq_json::funs())
        .chain(std::iter::once(refuse_env()))
}

fn refuse_env<D: DataT>() -> Fun<D> {
    let run: RunPtr<D> = |_| {
        bome(Err(jaq_core::Error::str(
            "env is not available in --jq (the environment holds API keys)",
        )))
    };
    ("env", v(0), Native::new(run))
}

fn invalid(expr: &str, reasons: &[String]) -> UsageError {
    let reasons = if reasons.is_empty() {
        "it cannot be parsed".to_string()
    } else {
        reasons.join("; ")
    };
    UsageError(format!(
        "--jq: invalid expression '{}': {reasons}",
        crate::escape::printable_snippet(expr.as_bytes(), 80)
    ))
}

fn describe_load_error(expr: &str, error: load::Error<&str>) -> Vec<String> {
    match error {
        load::Error::Io(failures) => failures
            .into_iter()
            .map(|(path, why)| format!("cannot load module '{path}': {why}"))
            .collect(),
        load::Error::Lex(errors) => errors
            .into_iter()
            .map(|(expected, at)| format!("expected {} {}", expected.as_str(), position(expr, at)))
            .collect(),
        load::Error::Parse(errors) => errors
            .into_iter()
            .map(|(expected, found)| {
                format!("expected {} {}", expected.as_str(), position(expr, found))
            })
            .collect(),
    }
}

/// Where in the expression a slice of it starts, in words.
fn position(expr: &str, at: &str) -> String {
    let offset = (at.as_ptr() as usize).checked_sub(expr.as_ptr() as usize);
    match offset {
        Some(offset) if offset <= expr.len() => {
            let column = expr[..offset].chars().count() + 1;
            if at.is_empty() || offset == expr.len() {
                format!("at the end (character {column})")
            } else {
                let found: String = at.chars().take(10).collect();
                format!("at character {column}, found '{found}'")
            }
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(expr: &str, input: &str) -> String {
        let filter = JqFilter::compile(expr).unwrap();
        let mut out = Vec::new();
        filter.run(input.as_bytes(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_are_raw_and_other_values_compact_json() {
        let doc = r#"{"results":[{"id":"a1","status":"ACTIVE","n":1},{"id":"b2","status":"FAILED","n":2}],"totalCount":2}"#;
        assert_eq!(run(".results[].id", doc), "a1\nb2\n");
        assert_eq!(run(".totalCount", doc), "2\n");
        assert_eq!(
            run(".results[0]", doc),
            "{\"id\":\"a1\",\"status\":\"ACTIVE\",\"n\":1}\n",
            "key order is kept"
        );
        assert_eq!(
            run(r#"[.results[] | select(.status != "ACTIVE") | .id]"#, doc),
            "[\"b2\"]\n"
        );
        assert_eq!(run("empty", doc), "");
    }

    #[test]
    fn bad_expressions_are_usage_errors_naming_the_problem() {
        let err = JqFilter::compile(".results[").unwrap_err();
        assert!(
            err.0.starts_with("--jq: invalid expression '.results['"),
            "{}",
            err.0
        );
        let err = JqFilter::compile("no_such_function(1)").unwrap_err();
        assert!(
            err.0.contains("undefined filter 'no_such_function'"),
            "{}",
            err.0
        );
        let err = JqFilter::compile("$nope").unwrap_err();
        assert!(err.0.contains("undefined variable"), "{}", err.0);
        assert!(JqFilter::compile("").is_err());
        assert!(JqFilter::compile("if . then 1").is_err());
    }

    #[test]
    fn runtime_errors_and_halt() {
        let filter = JqFilter::compile(".a.b").unwrap();
        let mut out = Vec::new();
        let err = filter.run(br#"{"a":[1]}"#, &mut out).unwrap_err();
        assert!(err.to_string().contains("--jq '.a.b'"), "{err}");

        let filter = JqFilter::compile("1, halt, 2").unwrap();
        let mut out = Vec::new();
        filter.run(b"null", &mut out).unwrap();
        assert_eq!(out, b"1\n");

        let filter = JqFilter::compile("halt_error(3)").unwrap();
        let err = filter.run(br#""bye""#, &mut Vec::new()).unwrap_err();
        assert_eq!(crate::errors::exit_code(&err), exit::FAILURE);
    }

    #[test]
    fn env_cannot_reach_the_keys() {
        let filter = JqFilter::compile("env").unwrap();
        let err = filter.run(b"null", &mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("env is not available"), "{err}");
        assert!(JqFilter::compile("$ENV").is_err());
    }

    #[test]
    fn filters_can_live_in_settings() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<JqFilter>();
    }
}
