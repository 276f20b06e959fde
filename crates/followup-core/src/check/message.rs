//! Reading a message: plain text with optional leading headers, or an RFC 5322
//! message whose text part may be quoted-printable or base64 and may sit in a
//! `multipart/*` body.

/// A message split into its subject, headers and body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message {
    /// The `Subject:` header, unfolded and decoded.
    pub subject: Option<String>,
    /// Every header, in order, unfolded (the subject included).
    pub headers: Vec<(String, String)>,
    /// The text to check.
    pub body: String,
    /// The 1-based line of the input where the body starts.
    pub body_line: usize,
    /// The 1-based line and column of the input where the subject's text starts.
    pub subject_at: Option<(usize, usize)>,
    /// Whether `body` is the input's text as written; when it was decoded
    /// (quoted-printable, base64, HTML), positions inside it refer to the decoded text
    /// (see [`Message::shown`]).
    pub body_verbatim: bool,
}

impl Message {
    /// The text that the findings' lines and columns refer to: the input itself, or,
    /// when the body was decoded (quoted-printable, base64, HTML), the input's lines up
    /// to the body followed by the decoded body.
    pub fn shown<'a>(&self, input: &'a str) -> std::borrow::Cow<'a, str> {
        if self.body_verbatim {
            return input.into();
        }
        let head_end = input
            .split_inclusive('\n')
            .take(self.body_line.saturating_sub(1))
            .map(str::len)
            .sum::<usize>();
        let mut out = input[..head_end].to_string();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&self.body);
        out.into()
    }

    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Input larger than this (1 MiB, room for an `.eml` with a small attachment) is
/// refused before it is read further.
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;

/// Text to check (the subject and the decoded body) longer than this (256 KiB, some
/// 40,000 words; a message is a few hundred) is refused.
pub const MAX_TEXT_BYTES: usize = 256 * 1024;

/// Input that is not a message to check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// Over [`MAX_INPUT_BYTES`].
    #[error("the input is over 1 MiB, too large for a message")]
    TooLarge,
    /// A text over [`MAX_TEXT_BYTES`].
    #[error("the message text is {0} KiB; at most 256 KiB (about 40,000 words) is checked")]
    TooLong(usize),
    /// NUL bytes, or many control characters or bytes that are not UTF-8.
    #[error("binary data, not a message ({0})")]
    Binary(&'static str),
}

/// Why a text is binary rather than a message, if it is: a NUL, more than 1% control
/// characters (tabs, line and form feeds aside) or more than 10% bytes that were not
/// UTF-8 (read as U+FFFD, so that a Latin-1 letter here and there passes).
fn binary(text: &str) -> Option<&'static str> {
    let (mut all, mut control, mut bad) = (0usize, 0usize, 0usize);
    for c in text.chars() {
        all += 1;
        match c {
            '\0' => return Some("it contains NUL bytes"),
            '\t' | '\n' | '\r' | '\u{c}' => {}
            '\u{fffd}' => bad += 1,
            c if c.is_control() => control += 1,
            _ => {}
        }
    }
    if control >= 2 && control * 100 > all {
        Some("it is full of control characters")
    } else if bad >= 2 && bad * 10 > all {
        Some("it is not UTF-8 text")
    } else {
        None
    }
}

/// Reads the bytes of an input file into text and a [`Message`], refusing what is not
/// a message before anything is checked: input over [`MAX_INPUT_BYTES`], binary data,
/// and text to check over [`MAX_TEXT_BYTES`]. Bytes that are not UTF-8 are replaced.
pub fn read_message(bytes: &[u8]) -> Result<(String, Message), Refused> {
    if bytes.contains(&0) {
        return Err(Refused::Binary("it contains NUL bytes"));
    }
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(Refused::TooLarge);
    }
    let text = String::from_utf8_lossy(bytes).into_owned();
    if let Some(why) = binary(&text) {
        return Err(Refused::Binary(why));
    }
    let msg = parse_message(&text);
    let len = msg.body.len() + msg.subject.as_ref().map_or(0, String::len);
    if len > MAX_TEXT_BYTES {
        return Err(Refused::TooLong(len.div_ceil(1024)));
    }
    if !msg.body_verbatim {
        if let Some(why) = binary(&msg.body) {
            return Err(Refused::Binary(why));
        }
    }
    Ok((text, msg))
}

/// Headers that may open a plain-text message; any header opens an `.eml`.
const PLAIN_HEADERS: &[&str] = &[
    "subject",
    "to",
    "from",
    "cc",
    "bcc",
    "date",
    "reply-to",
    "message-id",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "return-path",
    "received",
    "delivered-to",
    "x-unsent",
    "in-reply-to",
    "references",
];

/// `Name: value` → the name, when the line looks like a header.
fn header_name(line: &str) -> Option<&str> {
    let colon = line.find(':')?;
    let name = &line[..colon];
    let ok = !name.is_empty()
        && name.len() <= 76
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && name.as_bytes()[0].is_ascii_alphabetic();
    ok.then_some(name)
}

struct Line<'a> {
    /// Without the line break.
    text: &'a str,
    /// Byte offset in the input.
    start: usize,
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in text.split_inclusive('\n') {
        let t = piece.strip_suffix('\n').unwrap_or(piece);
        let t = t.strip_suffix('\r').unwrap_or(t);
        out.push(Line { text: t, start });
        start += piece.len();
    }
    out
}

/// Reads a message: see the module docs.
pub fn parse_message(text: &str) -> Message {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let ls = lines(text);
    let opens_with_header = ls
        .first()
        .and_then(|l| header_name(l.text))
        .is_some_and(|n| {
            PLAIN_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(n))
                || n.to_ascii_lowercase().starts_with("x-")
        });
    let mut msg = Message {
        body_line: 1,
        body_verbatim: true,
        ..Message::default()
    };
    if !opens_with_header {
        msg.body = text.to_string();
        return msg;
    }

    // The header block: `Name: value` lines and their continuations.
    let mut i = 0;
    let mut current: Option<(String, String, usize, usize)> = None; // name, value, line, col
    let mut headers = Vec::new();
    while i < ls.len() {
        let l = ls[i].text;
        if l.trim().is_empty() {
            i += 1; // the blank line belongs to the headers
            break;
        }
        if (l.starts_with(' ') || l.starts_with('\t')) && current.is_some() {
            if let Some(c) = current.as_mut() {
                c.1.push(' ');
                c.1.push_str(l.trim());
            }
            i += 1;
            continue;
        }
        match header_name(l) {
            Some(name) => {
                headers.extend(current.take());
                let rest = &l[name.len() + 1..];
                let value = rest.trim();
                let lead = rest.len() - rest.trim_start().len();
                let col = l[..name.len() + 1 + lead].chars().count() + 1;
                current = Some((name.to_string(), value.to_string(), i + 1, col));
                i += 1;
            }
            None => break, // plain text: the body starts right after the headers
        }
    }
    headers.extend(current.take());
    for (name, value, line, col) in headers {
        if name.eq_ignore_ascii_case("subject") && msg.subject.is_none() {
            msg.subject = Some(decode_words(&value));
            msg.subject_at = Some((line, col));
        }
        msg.headers.push((name, decode_words(&value)));
    }
    msg.body_line = i + 1;
    let body_start = ls.get(i).map_or(text.len(), |l| l.start);
    let raw = &text[body_start..];

    let ctype = msg.header("content-type").unwrap_or("").to_string();
    let cte = msg
        .header("content-transfer-encoding")
        .unwrap_or("")
        .to_string();
    match text_part(raw, &ctype, &cte, 0) {
        Some(Part {
            text,
            offset_lines,
            verbatim,
        }) => {
            msg.body = text;
            msg.body_line += offset_lines;
            msg.body_verbatim = verbatim;
        }
        None => msg.body = raw.to_string(),
    }
    msg
}

struct Part {
    text: String,
    /// Lines between the start of the given raw body and the start of this text.
    offset_lines: usize,
    verbatim: bool,
}

/// The text of a (possibly multipart) body: the first `text/plain` part, else the
/// first `text/html` part with its tags removed.
fn text_part(raw: &str, ctype: &str, cte: &str, depth: u8) -> Option<Part> {
    let lower = ctype.to_ascii_lowercase();
    if lower.starts_with("multipart/") && depth < 4 {
        let boundary = param(ctype, "boundary")?;
        let delim = format!("--{boundary}");
        let ls = lines(raw);
        let mut parts: Vec<(usize, usize)> = Vec::new(); // line ranges
        let mut start: Option<usize> = None;
        for (n, l) in ls.iter().enumerate() {
            if l.text.trim_end().starts_with(&delim) {
                if let Some(s) = start {
                    parts.push((s, n));
                }
                if l.text.trim_end() == format!("{delim}--") {
                    start = None;
                    break;
                }
                start = Some(n + 1);
            }
        }
        if let Some(s) = start {
            parts.push((s, ls.len()));
        }
        let mut html = None;
        for (s, e) in parts {
            // The part's own headers.
            let mut j = s;
            let mut heads: Vec<(String, String)> = Vec::new();
            while j < e && !ls[j].text.trim().is_empty() {
                let l = ls[j].text;
                if l.starts_with([' ', '\t']) {
                    if let Some(last) = heads.last_mut() {
                        last.1.push(' ');
                        last.1.push_str(l.trim());
                    }
                } else if let Some(name) = header_name(l) {
                    heads.push((name.to_ascii_lowercase(), l[name.len() + 1..].trim().into()));
                }
                j += 1;
            }
            let body_first = (j + 1).min(e);
            let from = ls.get(body_first).map_or(raw.len(), |l| l.start);
            let to = ls.get(e).map_or(raw.len(), |l| l.start);
            let get = |n: &str| heads.iter().find(|h| h.0 == n).map_or("", |h| h.1.as_str());
            let pct = get("content-type");
            let pcte = get("content-transfer-encoding");
            let inner = &raw[from..to];
            let plct = pct.to_ascii_lowercase();
            if plct.starts_with("multipart/") {
                if let Some(mut p) = text_part(inner, pct, pcte, depth + 1) {
                    p.offset_lines += body_first;
                    return Some(p);
                }
            } else if pct.is_empty() || plct.starts_with("text/plain") {
                let mut p = decode_part(inner, pct, pcte);
                p.offset_lines += body_first;
                return Some(p);
            } else if plct.starts_with("text/html") && html.is_none() {
                let mut p = decode_part(inner, pct, pcte);
                p.text = strip_html(&p.text);
                p.verbatim = false;
                p.offset_lines += body_first;
                html = Some(p);
            }
        }
        return html;
    }
    let mut p = decode_part(raw, ctype, cte);
    if lower.starts_with("text/html") {
        p.text = strip_html(&p.text);
        p.verbatim = false;
    }
    Some(p)
}

fn decode_part(raw: &str, ctype: &str, cte: &str) -> Part {
    let latin1 = param(ctype, "charset").is_some_and(|c| {
        let c = c.to_ascii_lowercase();
        c == "iso-8859-1" || c == "latin1" || c == "windows-1252" || c == "us-ascii"
    });
    let bytes_to_text = |b: Vec<u8>| -> String {
        if latin1 && std::str::from_utf8(&b).is_err() {
            b.iter().map(|&c| c as char).collect()
        } else {
            String::from_utf8_lossy(&b).into_owned()
        }
    };
    match cte.trim().to_ascii_lowercase().as_str() {
        "quoted-printable" => Part {
            text: bytes_to_text(quoted_printable(raw)),
            offset_lines: 0,
            verbatim: false,
        },
        "base64" => Part {
            text: bytes_to_text(base64(raw)),
            offset_lines: 0,
            verbatim: false,
        },
        _ => Part {
            text: raw.to_string(),
            offset_lines: 0,
            verbatim: true,
        },
    }
}

/// A parameter of a header value: `boundary="abc"` in `multipart/alternative; ...`.
fn param(value: &str, name: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().trim_matches('"').to_string())
    })
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn quoted_printable(raw: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut pieces: Vec<&str> = raw.split('\n').collect();
    if pieces.len() > 1 && pieces.last() == Some(&"") {
        pieces.pop();
    }
    for line in pieces {
        let line = line
            .strip_suffix('\r')
            .unwrap_or(line)
            .trim_end_matches([' ', '\t']);
        let (line, soft) = match line.strip_suffix('=') {
            Some(l) => (l, true),
            None => (line, false),
        };
        let b = line.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'=' && i + 2 < b.len() {
                if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
            }
            out.push(b[i]);
            i += 1;
        }
        if !soft {
            out.push(b'\n');
        }
    }
    if out.last() == Some(&b'\n') && !raw.ends_with('\n') {
        out.pop();
    }
    out
}

fn base64(raw: &str) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(raw.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in raw.bytes() {
        if c == b'=' {
            break;
        }
        let Some(v) = val(c) else { continue };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// RFC 2047 encoded words (`=?UTF-8?Q?Caf=C3=A9?=`) in a header value.
fn decode_words(value: &str) -> String {
    if !value.contains("=?") {
        return value.to_string();
    }
    let mut out = String::new();
    let mut rest = value;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let before = &rest[..start];
        let after = &rest[start + 2..];
        let parsed = (|| {
            let (charset, after) = after.split_once('?')?;
            let (enc, after) = after.split_once('?')?;
            let end = after.find("?=")?;
            let data = &after[..end];
            let bytes = match enc.to_ascii_lowercase().as_str() {
                "b" => base64(data),
                "q" => quoted_printable(&data.replace('_', " ")),
                _ => return None,
            };
            let text = if charset.to_ascii_lowercase().starts_with("iso-8859-1")
                && std::str::from_utf8(&bytes).is_err()
            {
                bytes.iter().map(|&c| c as char).collect()
            } else {
                String::from_utf8_lossy(&bytes).into_owned()
            };
            Some((text, &after[end + 2..]))
        })();
        match parsed {
            Some((text, tail)) => {
                // Whitespace between two encoded words is dropped.
                if !(last_was_word && before.trim().is_empty()) {
                    out.push_str(before);
                }
                out.push_str(text.trim_end_matches('\n'));
                rest = tail;
                last_was_word = true;
            }
            None => {
                out.push_str(&rest[..start + 2]);
                rest = &rest[start + 2..];
                last_was_word = false;
            }
        }
    }
    out.push_str(rest);
    out
}

/// HTML to text, roughly: tags dropped, block ends as line breaks, common entities.
fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            rest = &rest[lt..];
            break;
        };
        let tag = rest[lt + 1..lt + gt].to_ascii_lowercase();
        let name = tag.trim_start_matches('/');
        if name.starts_with("br") || name.starts_with("p") || name.starts_with("div") {
            out.push('\n');
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(rest);
    out.replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_without_headers_is_all_body() {
        let m = parse_message("Dear Ana,\n\nNote: thanks.\n");
        assert_eq!(m.subject, None);
        assert_eq!(m.body_line, 1);
        assert!(m.body.starts_with("Dear Ana"));
    }

    #[test]
    fn leading_subject_line_then_body() {
        let m = parse_message("Subject: Thank you\nDear Ana,\n");
        assert_eq!(m.subject.as_deref(), Some("Thank you"));
        assert_eq!(m.subject_at, Some((1, 10)));
        assert_eq!(m.body_line, 2);
        assert_eq!(m.body, "Dear Ana,\n");
        let m = parse_message("Subject: Thank you\nTo: Ana <a@x.io>\n\nDear Ana,\n");
        assert_eq!(m.body_line, 4);
        assert_eq!(m.header("to"), Some("Ana <a@x.io>"));
    }

    #[test]
    fn eml_quoted_printable_multipart_and_encoded_subject() {
        let eml = "From: Sam <s@x.io>\r\nSubject: =?UTF-8?Q?Caf=C3=A9_chat?=\r\n\
            MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n\
            --b1\r\nContent-Type: text/plain; charset=utf-8\r\n\
            Content-Transfer-Encoding: quoted-printable\r\n\r\n\
            Dear Ana,=0AI enjoyed our caf=C3=A9 talk about a long=\r\n line.\r\n--b1\r\n\
            Content-Type: text/html\r\n\r\n<p>x</p>\r\n--b1--\r\n";
        let m = parse_message(eml);
        assert_eq!(m.subject.as_deref(), Some("Café chat"));
        assert_eq!(
            m.body,
            "Dear Ana,\nI enjoyed our café talk about a long line.\n"
        );
        assert_eq!(m.body_line, 10);
        assert!(!m.body_verbatim);
    }

    #[test]
    fn decoded_bodies_are_shown_decoded_and_binary_is_refused() {
        let eml = "Subject: Hi\nContent-Transfer-Encoding: base64\n\nSGVsbG8gQW5hLAo=\n";
        let m = parse_message(eml);
        assert_eq!(m.body_line, 4);
        assert_eq!(
            m.shown(eml),
            "Subject: Hi\nContent-Transfer-Encoding: base64\n\nHello Ana,\n"
        );
        let plain = "Dear Ana,\n";
        assert_eq!(parse_message(plain).shown(plain), plain);

        assert!(read_message(b"Dear Ana,\n\nThanks.\n").is_ok());
        assert!(read_message("Caf\u{e9} r\u{e9}sum\u{e9}".as_bytes()).is_ok());
        // A Latin-1 letter or two is not binary.
        assert!(read_message(b"Dear Jos\xe9,\n\nThank you for the interview today.\n").is_ok());
        assert_eq!(
            read_message(b"Dear\0Ana"),
            Err(Refused::Binary("it contains NUL bytes"))
        );
        let noise: Vec<u8> = (0..4000u32).map(|i| (i * 7919 % 251) as u8 | 1).collect();
        assert!(matches!(read_message(&noise), Err(Refused::Binary(_))));
        let big = "word ".repeat(MAX_TEXT_BYTES / 5 + 1);
        assert!(matches!(
            read_message(big.as_bytes()),
            Err(Refused::TooLong(257))
        ));
        let huge = vec![b'a'; MAX_INPUT_BYTES + 1];
        assert_eq!(read_message(&huge), Err(Refused::TooLarge));
        // Base64 that decodes to binary.
        let eml = "Subject: Hi\nContent-Transfer-Encoding: base64\n\nAAECAwQFBgcICQ==\n";
        assert!(matches!(
            read_message(eml.as_bytes()),
            Err(Refused::Binary(_))
        ));
    }

    #[test]
    fn base64_body() {
        let eml = "Subject: Hi\nContent-Transfer-Encoding: base64\n\nSGVsbG8gQW5hLAo=\n";
        assert_eq!(parse_message(eml).body, "Hello Ana,\n");
    }
}
