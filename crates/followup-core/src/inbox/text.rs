//! The employer's own words in a message: the body as text, without quoted text,
//! signatures or the user's note quoted under a reply; sentences.

use std::sync::LazyLock;

use mail_parser::MimeHeaders;
use regex::Regex;

/// The body of a message as plain text: its first text part, else its HTML part with
/// quoted blocks (`<blockquote>`, Gmail's and Outlook's quote containers) removed.
pub fn body_text(msg: &mail_parser::Message<'_>) -> String {
    if msg.text_body_count() > 0 {
        if let Some(t) = msg.text_part(0).and_then(|p| p.text_contents()) {
            // A text part that mail-parser made up from the HTML keeps no quote
            // markers: read the HTML ourselves when there is one.
            let from_html = msg
                .text_part(0)
                .is_some_and(|p| p.is_content_type("text", "html"));
            if !from_html {
                return t.to_string();
            }
        }
    }
    match msg.html_part(0).and_then(|p| p.text_contents()) {
        Some(h) => html_text(h),
        None => String::new(),
    }
}

static BLOCKQUOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?is)<blockquote\b.*?</blockquote>|<div[^>]*class="?(gmail_quote|yahoo_quoted|moz-cite-prefix)[^>]*>.*$|<div[^>]*id="?(divRplyFwdMsg|appendonsend)[^>]*>.*$"#,
    )
    .unwrap_or_else(|e| panic!("{e}"))
});

/// HTML as text, quoted blocks left out.
pub fn html_text(html: &str) -> String {
    let cut = BLOCKQUOTE.replace_all(html, "\n");
    mail_parser::decoders::html::html_to_text(&cut)
}

static ATTRIBUTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(on\b.{0,200}\bwrote:?\s*$|le\b.{0,200}a écrit\s*:?\s*$|am\b.{0,200}schrieb.{0,60}:?\s*$|el\b.{0,200}escribió:?\s*$|-{2,}\s*(original message|forwarded message|ursprüngliche nachricht|message d'origine)\s*-{2,}|_{10,}\s*$|from:\s.*$|von:\s.*$|de\s?:\s.*@.*$)",
    )
    .unwrap_or_else(|e| panic!("{e}"))
});

/// The new text of a reply: everything before the first quote attribution ("On …
/// wrote:", "-----Original Message-----", an Outlook "From:" block), without `>`
/// lines and without the signature after `-- `.
pub fn own_words(body: &str) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let t = line.trim_end();
        if t == "--" || t == "-- " || line == "-- " {
            break;
        }
        // "On Tue, 3 Mar 2026 at 10:02, Sam <sam@example.com>" wrapped over two lines.
        let joined = if i + 1 < lines.len() && !t.is_empty() {
            format!("{} {}", t, lines[i + 1].trim())
        } else {
            t.to_string()
        };
        if ATTRIBUTION.is_match(t)
            || (t.trim_start().to_lowercase().starts_with("on ")
                && ATTRIBUTION.is_match(&joined)
                && joined.trim_end().ends_with("wrote:"))
        {
            break;
        }
        if t.trim_start().starts_with('>') {
            i += 1;
            continue;
        }
        out.push(t);
        i += 1;
    }
    out.join("\n").trim().to_string()
}

/// The sentences of `text`, each with its byte range, trimmed; a blank line or a
/// bullet ends a sentence as well as `.`, `!` and `?` followed by a space.
pub fn sentences<'t>(text: &'t str) -> Vec<(usize, &'t str)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    let push = |out: &mut Vec<(usize, &'t str)>, s: usize, e: usize| {
        let piece = &text[s..e];
        let lead = piece.len() - piece.trim_start().len();
        let t = piece.trim();
        if !t.is_empty() {
            out.push((s + lead, t));
        }
    };
    while i < bytes.len() {
        let c = bytes[i];
        let end_here = match c {
            b'.' | b'!' | b'?' => {
                let next = bytes.get(i + 1).copied();
                // Not "e.g." or "3.5" or "Mr. Doe" (a capital after one letter).
                let prev_word_len = text[start..i]
                    .rsplit(|ch: char| !ch.is_alphanumeric())
                    .next()
                    .map_or(0, str::len);
                matches!(next, None | Some(b' ' | b'\n' | b'\r' | b'\t'))
                    && !(c == b'.' && prev_word_len <= 2 && is_title(&text[start..i]))
            }
            b'\n' => bytes.get(i + 1) == Some(&b'\n') || bytes.get(i + 1) == Some(&b'\r'),
            _ => false,
        };
        if end_here {
            push(&mut out, start, i + 1);
            start = i + 1;
        }
        i += 1;
    }
    push(&mut out, start, text.len());
    out.into_iter()
        .map(|(s, t)| (s, t.trim_end_matches(['\n', '\r'])))
        .collect()
}

fn is_title(before: &str) -> bool {
    let w = before
        .rsplit(|ch: char| !ch.is_alphanumeric())
        .next()
        .unwrap_or("");
    matches!(
        w,
        "Mr" | "Ms" | "Mrs" | "Dr" | "St" | "e" | "i" | "g" | "vs"
    )
}

/// One line: runs of white space as one space.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_text_is_not_their_words() {
        let body = "Thanks Sam, we will decide by Friday.\n\nOn Mon, Mar 2, 2026 at 9:00 AM Sam Lee <sam@example.com> wrote:\n> I wanted to follow up.\n> When will you decide?\n";
        assert_eq!(own_words(body), "Thanks Sam, we will decide by Friday.");
        let wrapped =
            "Sure.\n\nOn Mon, Mar 2, 2026 at 9:00 AM Sam Lee <\nsam@example.com> wrote:\n> old";
        assert_eq!(own_words(wrapped), "Sure.");
        let outlook = "Hi\n\n________________________________\nFrom: Sam\nSent: Monday\n";
        assert_eq!(own_words(outlook), "Hi");
        assert_eq!(own_words("Yes.\n> quoted\nMore.\n-- \nJane"), "Yes.\nMore.");
    }

    #[test]
    fn sentences_split() {
        let s: Vec<_> = sentences("Hi Sam,\n\nThanks. We decide by Fri. Dr. Lee agrees!")
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        assert_eq!(
            s,
            vec!["Hi Sam,", "Thanks.", "We decide by Fri.", "Dr. Lee agrees!"]
        );
    }

    #[test]
    fn html_blockquote_dropped() {
        let t = html_text("<p>We will decide next week.</p><blockquote>old words</blockquote>");
        assert!(t.contains("next week"));
        assert!(!t.contains("old words"));
    }
}
