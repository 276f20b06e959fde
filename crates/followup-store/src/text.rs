//! [`SharedText`]: a text that many values can hold without a copy each.

use std::ops::Range;
use std::sync::Arc;

/// A text: a range of a string shared by many values (the agenda snapshot's texts
/// are read once into one string, and each step's rules and reasons are ranges of
/// it), or a string of its own. Cloning it does not copy the text. It compares,
/// hashes and prints as the text.
#[derive(Clone, Default)]
pub struct SharedText {
    /// `None` for the empty text.
    all: Option<Arc<String>>,
    start: usize,
    end: usize,
}

impl SharedText {
    /// `range` of `all`, or `None` if it is not a range of whole characters of it.
    pub fn new(all: &Arc<String>, range: Range<usize>) -> Option<SharedText> {
        all.get(range.clone())?;
        Some(SharedText {
            all: Some(all.clone()),
            start: range.start,
            end: range.end,
        })
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.all {
            Some(all) => &all[self.start..self.end],
            None => "",
        }
    }
}

impl std::ops::Deref for SharedText {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SharedText {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for SharedText {
    fn from(s: String) -> SharedText {
        let end = s.len();
        SharedText {
            all: (end > 0).then(|| Arc::new(s)),
            start: 0,
            end,
        }
    }
}

impl From<&str> for SharedText {
    fn from(s: &str) -> SharedText {
        SharedText::from(s.to_owned())
    }
}

impl PartialEq for SharedText {
    fn eq(&self, other: &SharedText) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SharedText {}

impl PartialEq<str> for SharedText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::hash::Hash for SharedText {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl std::fmt::Debug for SharedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for SharedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_text_is_its_range() {
        let all = Arc::new("Zoë — T1 T10".to_string());
        let t = SharedText::new(&all, 0..4).unwrap();
        assert_eq!(t, "Zoë");
        assert_eq!(SharedText::new(&all, 9..15).unwrap().as_str(), "T1 T10");
        assert!(SharedText::new(&all, 0..3).is_none(), "inside a character");
        assert!(SharedText::new(&all, 9..99).is_none(), "past the end");
        assert_eq!(t, SharedText::from("Zoë"));
        assert_eq!(SharedText::default(), "");
        assert_eq!(SharedText::from(String::new()), SharedText::default());
        assert_eq!(format!("{t} {t:?}"), "Zoë \"Zoë\"");
    }
}
