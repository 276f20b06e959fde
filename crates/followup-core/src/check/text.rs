//! The text under check: segments (subject, body) that know their place in the input
//! file, words, and a lowercased copy for phrase search that maps back to the text.

use std::ops::Range;

use super::{Diagnostic, Message, Severity};

/// A lowercased, whitespace-collapsed copy of a text with typographic quotes and
/// dashes made plain; each byte maps back to a byte of the original.
pub(crate) struct Norm {
    pub text: String,
    map: Vec<usize>,
}

impl Norm {
    pub fn new(orig: &str) -> Norm {
        let mut text = String::with_capacity(orig.len());
        let mut map = Vec::with_capacity(orig.len());
        let mut space = false;
        for (i, c) in orig.char_indices() {
            if c.is_whitespace() {
                if !space {
                    text.push(' ');
                    map.push(i);
                    space = true;
                }
                continue;
            }
            space = false;
            let c = match c {
                '\u{2019}' | '\u{2018}' | '\u{02bc}' => '\'',
                '\u{201c}' | '\u{201d}' => '"',
                '\u{2013}' | '\u{2014}' => '-',
                c => c,
            };
            for l in c.to_lowercase() {
                let before = text.len();
                text.push(l);
                map.extend(std::iter::repeat_n(i, text.len() - before));
            }
        }
        Norm { text, map }
    }

    /// The original byte range of a normalised range.
    pub fn orig(&self, r: Range<usize>, orig: &str) -> Range<usize> {
        let start = self.map.get(r.start).copied().unwrap_or(orig.len());
        let end = if r.end == 0 {
            start
        } else {
            let last = self.map[r.end - 1];
            last + orig[last..].chars().next().map_or(0, char::len_utf8)
        };
        start..end.max(start)
    }

    /// Every occurrence of `pat` (lowercase) that starts and ends on word boundaries;
    /// a `*` lets the word before it end in any letters (`interest*`, `walk* me
    /// through`).
    pub fn find(&self, pat: &str) -> Vec<Range<usize>> {
        find_in(&self.text, pat)
    }

    /// The first occurrence of any of `pats`.
    pub fn find_any(&self, pats: &[&str]) -> Option<Range<usize>> {
        pats.iter()
            .flat_map(|p| self.find(p))
            .min_by_key(|r| r.start)
    }
}

/// [`Norm::find`] on any lowercase text. A `*` right after a word lets that word end
/// in any letters (`walk* me through` finds "walking me through"); a `*` at the end
/// drops the end boundary (`interest*`).
pub(crate) fn find_in(t: &str, pat: &str) -> Vec<Range<usize>> {
    let mut pieces = pat.split('*');
    let first = pieces.next().unwrap_or("");
    let rest: Vec<&str> = pieces.collect();
    if first.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, _) in t.match_indices(first) {
        if t[..i].chars().next_back().is_some_and(is_word_char) {
            continue;
        }
        out.extend(match_at(t, i, first, &rest, pat.ends_with('*')));
    }
    out
}

/// The occurrence of `pat` (as in [`find_in`]) that starts at byte 0 of `t`, if any: in
/// time proportional to the match, not to the text.
pub(crate) fn find_at_start(t: &str, pat: &str) -> Option<Range<usize>> {
    let mut pieces = pat.split('*');
    let first = pieces.next().unwrap_or("");
    let rest: Vec<&str> = pieces.collect();
    if first.is_empty() || !t.starts_with(first) {
        return None;
    }
    match_at(t, 0, first, &rest, pat.ends_with('*'))
}

/// The match of a pattern whose first piece `first` is at `i` (on a word boundary).
fn match_at(t: &str, i: usize, first: &str, rest: &[&str], stem: bool) -> Option<Range<usize>> {
    // Each further piece follows the letters a `*` stands for.
    let mut end = i + first.len();
    for piece in rest {
        end += t[end..]
            .char_indices()
            .find(|(_, c)| !is_word_char(*c))
            .map_or(t.len() - end, |(j, _)| j);
        if !t[end..].starts_with(piece) {
            return None;
        }
        end += piece.len();
    }
    (stem || !t[end..].chars().next().is_some_and(is_word_char)).then_some(i..end)
}

/// A lowercase letter without its accent ("é" → "e", "ø" → "o", "ß" → "ss"), for
/// comparing names typed with and without accents.
pub(crate) fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars().flat_map(char::to_lowercase) {
        let plain = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
            'æ' => "ae",
            'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
            'ď' | 'đ' | 'ð' => "d",
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
            'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
            'ĥ' | 'ħ' => "h",
            'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
            'ĵ' => "j",
            'ķ' => "k",
            'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
            'ñ' | 'ń' | 'ņ' | 'ň' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
            'œ' => "oe",
            'ŕ' | 'ŗ' | 'ř' => "r",
            'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
            'ß' => "ss",
            'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
            'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
            'ŵ' => "w",
            'ý' | 'ÿ' | 'ŷ' => "y",
            'ź' | 'ż' | 'ž' => "z",
            'þ' => "th",
            c => {
                out.push(c);
                continue;
            }
        };
        out.push_str(plain);
    }
    out
}

pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// A word: letters and digits, with inner apostrophes and hyphens.
#[derive(Debug, Clone)]
pub(crate) struct Word {
    pub range: Range<usize>,
    /// Inside a URL or an email address.
    pub in_address: bool,
}

/// A piece of the input: its text and where it starts.
pub(crate) struct Seg<'a> {
    pub text: &'a str,
    /// 1-based line of `text[0]`.
    pub line: usize,
    /// 1-based column of `text[0]`.
    pub col: usize,
    pub norm: Norm,
    pub words: Vec<Word>,
    /// Byte offsets where lines start (the first is 0).
    line_starts: Vec<usize>,
    /// The number of characters before each byte offset (and the end).
    chars_before: Vec<u32>,
}

impl<'a> Seg<'a> {
    pub fn new(text: &'a str, line: usize, col: usize) -> Seg<'a> {
        let mut line_starts = vec![0];
        let mut chars_before = Vec::with_capacity(text.len() + 1);
        let mut n = 0u32;
        for (i, c) in text.char_indices() {
            chars_before.extend(std::iter::repeat_n(n, c.len_utf8()));
            n += 1;
            if c == '\n' {
                line_starts.push(i + 1);
            }
        }
        chars_before.push(n);
        Seg {
            text,
            line,
            col,
            norm: Norm::new(text),
            words: words(text),
            line_starts,
            chars_before,
        }
    }

    /// The byte offset where the line holding `byte` starts (in time logarithmic in
    /// the length).
    pub fn line_start(&self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        self.line_starts[self.line_starts.partition_point(|&s| s <= byte) - 1]
    }

    /// 1-based line and column of a byte offset (in time logarithmic in the length).
    pub fn pos(&self, byte: usize) -> (usize, usize) {
        let byte = byte.min(self.text.len());
        let idx = self.line_starts.partition_point(|&s| s <= byte) - 1;
        let start = self.line_starts[idx];
        let cols = (self.chars_before[byte] - self.chars_before[start]) as usize;
        if idx == 0 {
            (self.line, self.col + cols)
        } else {
            (self.line + idx, cols + 1)
        }
    }

    pub fn diag(
        &self,
        r: Range<usize>,
        rule: &'static str,
        severity: Severity,
        message: impl Into<String>,
        suggestion: Option<String>,
    ) -> Diagnostic {
        let (line, column) = self.pos(r.start);
        let (end_line, end_column) = self.pos(r.end);
        Diagnostic {
            rule,
            severity,
            line,
            column,
            end_line,
            end_column,
            message: message.into(),
            suggestion,
        }
    }

    /// A normalised range back in the text.
    pub fn orig(&self, r: Range<usize>) -> Range<usize> {
        self.norm.orig(r, self.text)
    }

    pub fn word(&self, w: &Word) -> &'a str {
        &self.text[w.range.clone()]
    }

    /// Non-empty lines with their byte ranges (without the line break).
    pub fn lines(&self) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        for piece in self.text.split_inclusive('\n') {
            let t = piece.trim_end_matches(['\n', '\r']);
            if !t.trim().is_empty() {
                let lead = t.len() - t.trim_start().len();
                out.push(start + lead..start + t.trim_end().len());
            }
            start += piece.len();
        }
        out
    }
}

/// The subject and the body of a message, ready for the rules.
pub(crate) struct Doc<'a> {
    pub subject: Option<Seg<'a>>,
    pub body: Seg<'a>,
    /// Whether the input had headers (an email); a text without them is a body, and
    /// the subject rules leave it alone.
    pub headers: bool,
}

impl<'a> Doc<'a> {
    pub fn new(msg: &'a Message) -> Doc<'a> {
        let subject = msg.subject.as_deref().map(|s| {
            let (l, c) = msg.subject_at.unwrap_or((1, 1));
            Seg::new(s, l, c)
        });
        Doc {
            subject,
            body: Seg::new(&msg.body, msg.body_line.max(1), 1),
            headers: !msg.headers.is_empty(),
        }
    }

    /// Where findings about something missing point: the start of the body's first
    /// non-empty line (an empty span).
    pub fn anchor(&self) -> Range<usize> {
        let s = self.body.lines().first().map_or(0, |r| r.start);
        s..s
    }

    /// Number of words in the body.
    pub fn word_count(&self) -> usize {
        self.body
            .text
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count()
    }
}

/// The byte ranges of whitespace-separated chunks that are URLs or email addresses.
fn addresses(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    let push = |s: usize, e: usize, out: &mut Vec<Range<usize>>| {
        let chunk = text[s..e].trim_matches(|c: char| "()<>[]\"',;".contains(c));
        let lower = chunk.to_ascii_lowercase();
        let domain = lower
            .trim_end_matches(['.', '!', '?', ':'])
            .rsplit_once('.')
            .is_some_and(|(head, tld)| {
                !head.is_empty()
                    && !head.ends_with('.')
                    && [
                        "com", "org", "net", "io", "dev", "co", "ai", "edu", "gov", "uk", "de",
                        "app", "me", "info", "us", "ca",
                    ]
                    .contains(&tld)
            });
        if lower.contains('@')
            || lower.contains("://")
            || lower.starts_with("www.")
            || lower.contains('/') && lower.contains('.')
            || domain
        {
            out.push(s..e);
        }
    };
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                push(s, i, &mut out);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        push(s, text.len(), &mut out);
    }
    out
}

fn words(text: &str) -> Vec<Word> {
    let addrs = addresses(text);
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    // Both lists are in the order of the text: one pass over the addresses.
    let mut a = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if !c.is_alphanumeric() {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() {
            let c = chars[j].1;
            let joiner = matches!(c, '\'' | '\u{2019}' | '-');
            if c.is_alphanumeric()
                || joiner && chars.get(j + 1).is_some_and(|n| n.1.is_alphanumeric())
            {
                j += 1;
            } else {
                break;
            }
        }
        let end = chars.get(j).map_or(text.len(), |c| c.0);
        while addrs.get(a).is_some_and(|r| r.end < end) {
            a += 1;
        }
        out.push(Word {
            range: start..end,
            in_address: addrs
                .get(a)
                .is_some_and(|r| r.start <= start && end <= r.end),
        });
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_lines_and_character_columns() {
        let s = Seg::new("héllo\nwörld x", 3, 1);
        assert_eq!(s.pos(0), (3, 1));
        let x = s.text.find('x').unwrap();
        assert_eq!(s.pos(x), (4, 7));
        let s = Seg::new("Thank you", 1, 10);
        assert_eq!(s.pos(6), (1, 16));
    }

    #[test]
    fn phrases_on_word_boundaries_map_back() {
        let text = "We DISCUSSED\n  the roadmap’s  future. Interesting!";
        let n = Norm::new(text);
        let r = n.find("discussed the roadmap's").pop().unwrap();
        assert_eq!(&text[n.orig(r, text)], "DISCUSSED\n  the roadmap’s");
        assert!(n.find("interest").is_empty());
        assert_eq!(n.find("interest*").len(), 1);
    }

    #[test]
    fn stars_inside_patterns_and_folded_accents() {
        let n = Norm::new("Thanks for walking me through it; walk me through. Walks me.");
        assert_eq!(n.find("walk* me through").len(), 2);
        assert!(n.find("walk* me thr").is_empty());
        assert_eq!(n.find("walk*").len(), 3);
        assert_eq!(fold("José Müller-Øster"), "jose muller-oster");
        assert_eq!(fold("Straße"), "strasse");
    }

    #[test]
    fn a_match_at_the_start_is_the_first_match_when_it_starts_there() {
        for (t, p) in [
            ("for your reply soon", "for * repl*"),
            ("for replies", "for repl*"),
            ("fortune for news", "for news"),
            ("for news", "for news"),
            ("since then", "since"),
            ("sincerely", "since"),
            ("to hear back", "to hear"),
        ] {
            let first = find_in(t, p).into_iter().next().filter(|m| m.start == 0);
            assert_eq!(find_at_start(t, p), first, "{t:?} {p:?}");
        }
        let line = "x\ny ASAP";
        let s = Seg::new(line, 1, 1);
        assert_eq!(s.line_start(line.find("ASAP").unwrap()), 2);
        assert_eq!(s.line_start(0), 0);
    }

    #[test]
    fn words_skip_nothing_but_know_addresses() {
        let s = Seg::new(
            "Mail sam@x.io or see https://x.io/a-b. It's well-known",
            1,
            1,
        );
        let w: Vec<_> = s.words.iter().map(|w| (s.word(w), w.in_address)).collect();
        assert!(w.contains(&("It's", false)));
        assert!(w.contains(&("well-known", false)));
        assert!(w.contains(&("sam", true)));
        assert!(w.contains(&("https", true)));
    }
}
