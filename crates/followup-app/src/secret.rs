//! Secrets kept beside the database, never in it (so no backup carries them): the
//! calendar feed's address, the digest's unsubscribe link and the web app's form token. Each is 32 random bytes
//! (64 hex digits) in `<db>.<name>-secret`, mode 0600.

use std::path::{Path, PathBuf};

use subtle::ConstantTimeEq;

/// The file that holds the secret `name` of the database `db`: `<db>.<name>-secret`.
pub fn path(db: &Path, name: &str) -> PathBuf {
    crate::beside::path(db, &format!(".{name}-secret"))
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

/// The secret `name`, made if there is none yet. Made once, by whichever process comes
/// first, and never replaced here: every process serving the database reads the same
/// one (the web app's form token, which a form shown by one process and sent to
/// another must match).
pub fn read_or_make(db: &Path, name: &str) -> std::io::Result<String> {
    let file = path(db, name);
    for _ in 0..100 {
        if let Some(s) = read(db, name)? {
            return Ok(s);
        }
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
        let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        // Written whole under a name of its own, then linked into place: a link fails
        // where the file exists, so a secret another process made first is kept.
        let mut tmp = file.as_os_str().to_owned();
        tmp.push(format!(".{}-{}", std::process::id(), &secret[..8]));
        let tmp = PathBuf::from(tmp);
        crate::settings::write_atomic_mode(&tmp, &format!("{secret}\n"), Some(0o600))
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let linked = std::fs::hard_link(&tmp, &file);
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => return Ok(secret),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                // Another process's, perhaps still being written: read it again.
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(format!(
        "{} is not a secret and cannot be replaced",
        file.display()
    )))
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

    #[test]
    fn a_secret_made_at_once_by_many_is_the_same_for_all() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("f.sqlite");
        let all: Vec<String> = (0..8)
            .map(|_| {
                let db = db.clone();
                std::thread::spawn(move || read_or_make(&db, "form").unwrap())
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect();
        assert!(valid(&all[0]));
        assert!(all.iter().all(|s| s == &all[0]), "{all:?}");
        assert_eq!(read_or_make(&db, "form").unwrap(), all[0]);
        // Only the secret is left in the directory.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // A file that is not a secret is not replaced.
        std::fs::write(path(&db, "other"), "password\n").unwrap();
        assert!(read_or_make(&db, "other").is_err());
    }
}
