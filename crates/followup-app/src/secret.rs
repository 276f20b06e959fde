//! Secrets kept beside the database, never in it (so no backup carries them): the
//! calendar feed's address and the digest's unsubscribe link. Each is 32 random bytes
//! (64 hex digits) in `<db>.<name>-secret`, mode 0600.

use std::path::{Path, PathBuf};

use subtle::ConstantTimeEq;

/// The file that holds the secret `name` of the database `db`: `<db>.<name>-secret`.
pub fn path(db: &Path, name: &str) -> PathBuf {
    let mut file = db.as_os_str().to_owned();
    file.push(format!(".{name}-secret"));
    PathBuf::from(file)
}

/// The secret `name` in force, if any. A file that holds anything but a secret made
/// by [`renew`] counts as none.
pub fn read(db: &Path, name: &str) -> std::io::Result<Option<String>> {
    match std::fs::read_to_string(path(db, name)) {
        Ok(text) => {
            let s = text.trim();
            Ok(valid(s).then(|| s.to_string()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether `s` has the shape of a secret: 64 lowercase hex digits.
fn valid(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A new secret `name`, in force at once (the old one stops working). Written to a
/// temporary file readable by the owner only, then renamed over the old one, so there
/// is always one whole secret.
pub fn renew(db: &Path, name: &str) -> std::io::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    crate::settings::write_atomic_mode(&path(db, name), &format!("{secret}\n"), Some(0o600))
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(secret)
}

/// Removes the secret `name`: whatever it opened stops working.
pub fn remove(db: &Path, name: &str) -> std::io::Result<()> {
    match std::fs::remove_file(path(db, name)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Whether `given` is `secret`, compared in constant time.
pub fn matches(secret: &str, given: &str) -> bool {
    given.len() == secret.len() && bool::from(given.as_bytes().ct_eq(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_renewed_read_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("f.sqlite");
        assert_eq!(read(&db, "feed").unwrap(), None);
        let a = renew(&db, "feed").unwrap();
        assert!(valid(&a), "{a}");
        assert_eq!(read(&db, "feed").unwrap().as_deref(), Some(a.as_str()));
        assert_eq!(read(&db, "digest").unwrap(), None, "each name its own");
        let b = renew(&db, "feed").unwrap();
        assert_ne!(a, b);
        assert_eq!(read(&db, "feed").unwrap().as_deref(), Some(b.as_str()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path(&db, "feed"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        remove(&db, "feed").unwrap();
        assert_eq!(read(&db, "feed").unwrap(), None);
        remove(&db, "feed").unwrap();
        // A file edited by hand into something else is no secret.
        std::fs::write(path(&db, "feed"), "password\n").unwrap();
        assert_eq!(read(&db, "feed").unwrap(), None);
        assert!(matches(&b, &b) && !matches(&b, &a) && !matches(&b, ""));
    }
}
