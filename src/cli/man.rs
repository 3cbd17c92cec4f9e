//! `atlas-ear man`: the manual page (roff), generated from the same clap definition and
//! examples as `--help`, with the environment and exit codes as their own sections. As in
//! `--help`, the options every command accepts have their own section (GLOBAL OPTIONS), and
//! each command lists only its own.

use crate::cli::GLOBAL_OPTIONS;
use crate::cli::help::{all_subcommands, command, examples};
use std::io::{self, Write};

/// `atlas-ear man`: one page with the options, a section per command (options and examples),
/// and the top-level examples, environment and exit status as their own sections.
pub fn write_man(out: &mut dyn Write) -> io::Result<()> {
    let mut cmd = command();
    cmd.build();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    // clap_mangen gives each help heading its own section; the global one gets a sentence.
    let mut options = Vec::new();
    man.render_options_section(&mut options)?;
    let options = String::from_utf8_lossy(&options);
    let heading = format!(".SH {}\n", roff_quoted(&GLOBAL_OPTIONS.to_uppercase()));
    let said = format!(
        "{heading}{}\n",
        roff_text("Accepted by every command, before or after its name.")
    );
    out.write_all(options.replacen(&heading, &said, 1).as_bytes())?;
    writeln!(out, ".SH COMMANDS")?;
    // Groups such as `config` get no section of their own: their commands have one each.
    for (path, sub) in all_subcommands(&cmd) {
        if !sub.has_subcommands() {
            write_command_section(out, &path, sub)?;
        }
    }
    if let Some(footer) = cmd.get_after_help() {
        for block in footer.to_string().split("\n\n") {
            let (heading, body) = block.split_once('\n').unwrap_or((block, ""));
            // "Environment (a flag beats ...):" becomes ENVIRONMENT; the remark stays as text.
            let (title, remark) = match heading.split_once(" (") {
                Some((title, remark)) => (title, Some(remark.trim_end_matches("):"))),
                None => (heading.trim_end_matches(':'), None),
            };
            let title = match title {
                "Exit codes" => "EXIT STATUS".to_string(),
                other => other.to_uppercase(),
            };
            writeln!(out, ".SH {}", roff_quoted(&title))?;
            if let Some(remark) = remark {
                writeln!(out, "{}", roff_text(&capitalised(remark)))?;
                writeln!(out, ".PP")?;
            }
            write_literal(out, body)?;
        }
    }
    man.render_version_section(out)
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn write_command_section(out: &mut dyn Write, path: &str, sub: &clap::Command) -> io::Result<()> {
    let usage = sub.clone().render_usage().to_string();
    let usage = usage.trim_start_matches("Usage:").trim();
    writeln!(out, ".SS {}", roff_quoted(usage))?;
    if let Some(about) = sub.get_about() {
        writeln!(out, "{}", roff_text(&about.to_string()))?;
    }
    let own_arguments = sub
        .get_arguments()
        .filter(|a| !a.is_global_set() && !matches!(a.get_id().as_str(), "help" | "version"));
    for arg in own_arguments {
        let value = arg
            .get_value_names()
            .and_then(|names| names.first())
            .map(|name| format!("<{name}>"))
            .unwrap_or_else(|| format!("<{}>", arg.get_id().as_str().to_uppercase()));
        let name = match (arg.get_short(), arg.get_long()) {
            (_, None) if arg.is_positional() => value,
            (Some(s), Some(l)) => format!("-{s}, --{l}"),
            (None, Some(l)) => format!("--{l}"),
            (Some(s), None) => format!("-{s}"),
            (None, None) => value,
        };
        let name = if !arg.is_positional() && arg.get_action().takes_values() {
            let value = arg
                .get_value_names()
                .and_then(|names| names.first())
                .map(|n| n.to_string())
                .unwrap_or_else(|| arg.get_id().as_str().to_uppercase());
            format!("{name} <{value}>")
        } else {
            name
        };
        writeln!(out, ".TP\n\\fB{}\\fR", roff_text(&name))?;
        if let Some(help) = arg.get_help() {
            writeln!(out, "{}", roff_text(&help.to_string()))?;
        }
        let possible: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect();
        if !possible.is_empty() {
            writeln!(
                out,
                ".br\n{}",
                roff_text(&format!("One of: {}.", possible.join(", ")))
            )?;
        }
    }
    writeln!(
        out,
        ".PP\n{}",
        roff_text(&format!(
            "{GLOBAL_OPTIONS}: every option under {}.",
            GLOBAL_OPTIONS.to_uppercase()
        ))
    )?;
    if let Some(examples) = examples(path) {
        writeln!(out, ".PP\nExamples:")?;
        let (_, body) = examples.split_once('\n').unwrap_or(("", examples));
        write_literal(out, body)?;
    }
    Ok(())
}

/// Lines kept as they are (no filling), each escaped.
fn write_literal(out: &mut dyn Write, text: &str) -> io::Result<()> {
    writeln!(out, ".nf")?;
    for line in text.lines() {
        writeln!(
            out,
            "{}",
            roff_text(line.strip_prefix("  ").unwrap_or(line))
        )?;
    }
    writeln!(out, ".fi")
}

/// Escapes text for roff: backslashes, hyphens (so they print as the minus signs of options),
/// and a leading dot or quote that roff would read as a request.
fn roff_text(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

fn roff_quoted(text: &str) -> String {
    format!("\"{}\"", roff_text(text).replace('"', "\\(dq"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roff_escaping() {
        assert_eq!(roff_text(".hidden"), "\\&.hidden");
        assert_eq!(roff_text("a\\b --x"), "a\\eb \\-\\-x");
        assert_eq!(roff_quoted("say \"hi\""), "\"say \\(dqhi\\(dq\"");
    }
}
