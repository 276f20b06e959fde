//! Reading INBOX and the Sent folder over IMAP, read-only: `EXAMINE` and
//! `BODY.PEEK`, so no flag changes and nothing is moved or deleted. Headers first;
//! bodies only of the messages the header screen keeps.

use std::sync::Arc;

use async_imap::types::NameAttribute;
use futures_util::{StreamExt, TryStreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use super::settings::{Endpoint, Security};
use crate::error::{Error, Result};

/// One message read: its UID, and its headers or its whole text.
pub struct Fetched {
    pub uid: u32,
    pub bytes: Vec<u8>,
}

trait Stream: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Stream for T {}

/// A logged-in, read-only session.
pub struct Session {
    inner: async_imap::Session<Box<dyn Stream>>,
}

fn imap_err(what: &str) -> impl Fn(async_imap::error::Error) -> Error + '_ {
    move |e| Error::input(format!("IMAP {what}: {}", in_words(&e)))
}

/// What went wrong, in the server's words where it gave some: a NO or BAD answer is
/// its text ("the server said: [AUTHENTICATIONFAILED] Authentication failed."), not
/// the client library's rendering of the response.
fn in_words(e: &async_imap::error::Error) -> String {
    use async_imap::error::Error as E;
    let said = |s: &str| {
        // The library renders the answer as `code: …, info: Some("TEXT")`, or (a
        // folder refused) `outcome: Outcome { …, information: Some("TEXT") }`.
        let text = ["information: Some(\"", "info: Some(\""]
            .iter()
            .find_map(|start| s.split_once(start))
            .and_then(|(_, rest)| rest.rsplit_once("\")"))
            .map(|(text, _)| text.replace("\\\"", "\"").replace("\\\\", "\\"))
            .filter(|t| !t.trim().is_empty());
        match text {
            Some(t) => format!("the server said: {t}"),
            // No text: what there is.
            None => format!("the server said no ({s})"),
        }
    };
    match e {
        E::No(s) | E::Bad(s) => said(s),
        E::Io(io) => format!("the connection failed: {io}"),
        E::ConnectionLost => "the server closed the connection".to_string(),
        other => other.to_string(),
    }
}

fn tls_config() -> Arc<tokio_rustls::rustls::ClientConfig> {
    use tokio_rustls::rustls;
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Ok(extra) = std::env::var("FOLLOWUP_IMAP_CA") {
        // A certificate to trust besides the public roots (a self-hosted server).
        if let Ok(pem) = std::fs::read(&extra) {
            for cert in rustls_pemfile_certs(&pem) {
                let _ = roots.add(cert);
            }
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map(|b| b.with_root_certificates(roots).with_no_client_auth())
        .unwrap_or_else(|_| {
            rustls::ClientConfig::builder()
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth()
        });
    Arc::new(config)
}

/// The DER certificates of a PEM file.
fn rustls_pemfile_certs(
    pem: &[u8],
) -> Vec<tokio_rustls::rustls::pki_types::CertificateDer<'static>> {
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    tokio_rustls::rustls::pki_types::CertificateDer::pem_slice_iter(pem)
        .filter_map(std::result::Result::ok)
        .collect()
}

async fn tls(tcp: TcpStream, host: &str) -> Result<Box<dyn Stream>> {
    use tokio_rustls::rustls::pki_types::ServerName;
    let name = ServerName::try_from(host.to_string())
        .map_err(|e| Error::input(format!("IMAP host {host}: {e}")))?;
    let stream = tokio_rustls::TlsConnector::from(tls_config())
        .connect(name, tcp)
        .await
        .map_err(|e| Error::input(format!("IMAP TLS with {host}: {e}")))?;
    Ok(Box::new(stream))
}

impl Session {
    /// Connects and logs in: TLS from the start (`imaps://`), after STARTTLS
    /// (`imap://`, refused when the server does not offer it), or plain on loopback.
    pub async fn connect(ep: &Endpoint, user: &str, password: &str) -> Result<Session> {
        let addr = format!("{}:{}", ep.host, ep.port);
        let tcp = tokio::time::timeout(
            std::time::Duration::from_secs(20),
            TcpStream::connect(&addr),
        )
        .await
        .map_err(|_| Error::input(format!("IMAP: no answer from {addr} in 20 s")))?
        .map_err(|e| Error::input(format!("IMAP: cannot connect to {addr}: {e}")))?;
        let _ = tcp.set_nodelay(true);
        let stream: Box<dyn Stream> = match ep.security {
            Security::Tls => tls(tcp, &ep.host).await?,
            Security::StartTls => {
                let mut client = async_imap::Client::new(tcp);
                client
                    .read_response()
                    .await
                    .map_err(|e| Error::input(format!("IMAP greeting: {e}")))?;
                client
                    .run_command_and_check_ok("STARTTLS", None)
                    .await
                    .map_err(|e| {
                        Error::input(format!(
                            "IMAP STARTTLS refused by {addr} (required off loopback): {e}"
                        ))
                    })?;
                tls(client.into_inner(), &ep.host).await?
            }
            Security::Plain => Box::new(tcp),
        };
        let mut client = async_imap::Client::new(stream);
        if ep.security != Security::StartTls {
            client
                .read_response()
                .await
                .map_err(|e| Error::input(format!("IMAP greeting: {e}")))?;
        }
        let inner = client.login(user, password).await.map_err(|(e, _)| {
            Error::input(format!("IMAP login as {user} refused: {}", in_words(&e)))
        })?;
        Ok(Session { inner })
    }

    /// The Sent folder: `name` when given, else the one marked `\Sent` (RFC 6154),
    /// else one named "Sent".
    pub async fn sent_folder(&mut self, name: Option<&str>) -> Result<Option<String>> {
        if let Some(n) = name {
            return Ok(Some(n.to_string()));
        }
        let names: Vec<_> = self
            .inner
            .list(Some(""), Some("*"))
            .await
            .map_err(imap_err("LIST"))?
            .try_collect()
            .await
            .map_err(imap_err("LIST"))?;
        let marked = names
            .iter()
            .find(|n| {
                n.attributes()
                    .iter()
                    .any(|a| matches!(a, NameAttribute::Sent))
            })
            .or_else(|| names.iter().find(|n| n.name().eq_ignore_ascii_case("Sent")))
            .map(|n| n.name().to_string());
        Ok(marked)
    }

    /// Opens `folder` read-only: its UIDVALIDITY and how many messages it holds.
    pub async fn examine(&mut self, folder: &str) -> Result<(u32, u32)> {
        let mb = self
            .inner
            .examine(folder)
            .await
            .map_err(imap_err("EXAMINE"))?;
        Ok((mb.uid_validity.unwrap_or(0), mb.exists))
    }

    /// The UIDs after `after` of messages that arrived since `since` (`UID SEARCH`).
    pub async fn search(
        &mut self,
        after: u32,
        since: Option<jiff::civil::Date>,
    ) -> Result<Vec<u32>> {
        let mut q = format!("UID {}:*", after + 1);
        if let Some(d) = since {
            q.push_str(&format!(" SINCE {}", d.strftime("%-d-%b-%Y")));
        }
        let mut uids: Vec<u32> = self
            .inner
            .uid_search(q)
            .await
            .map_err(imap_err("SEARCH"))?
            .into_iter()
            .filter(|u| *u > after)
            .collect();
        uids.sort_unstable();
        Ok(uids)
    }

    /// The headers of the messages `uids` (`BODY.PEEK[HEADER]`).
    pub async fn headers(&mut self, uids: &[u32]) -> Result<Vec<Fetched>> {
        self.fetch(uids, "(UID BODY.PEEK[HEADER])", true).await
    }

    /// The whole messages `uids` (`BODY.PEEK[]`).
    pub async fn bodies(&mut self, uids: &[u32]) -> Result<Vec<Fetched>> {
        self.fetch(uids, "(UID BODY.PEEK[])", false).await
    }

    async fn fetch(&mut self, uids: &[u32], query: &str, header: bool) -> Result<Vec<Fetched>> {
        let mut out = Vec::with_capacity(uids.len());
        for chunk in uids.chunks(2000) {
            let set = uid_set(chunk);
            let mut stream = self
                .inner
                .uid_fetch(set, query)
                .await
                .map_err(imap_err("FETCH"))?;
            while let Some(f) = stream.next().await {
                let f = f.map_err(imap_err("FETCH"))?;
                let bytes = if header { f.header() } else { f.body() };
                if let (Some(uid), Some(b)) = (f.uid, bytes) {
                    out.push(Fetched {
                        uid,
                        bytes: b.to_vec(),
                    });
                }
            }
        }
        Ok(out)
    }

    pub async fn logout(mut self) {
        let _ = self.inner.logout().await;
    }
}

/// UIDs as a compact set: `1:5,8,10:12`.
pub fn uid_set(uids: &[u32]) -> String {
    let mut out = Vec::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end + 1 {
            i += 1;
            end = uids[i];
        }
        out.push(if start == end {
            start.to_string()
        } else {
            format!("{start}:{end}")
        });
        i += 1;
    }
    out.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_told_in_the_servers_words() {
        // As async-imap 0.12 renders dovecot's answer to a wrong password.
        let no = async_imap::error::Error::No(
            "code: None, info: Some(\"[AUTHENTICATIONFAILED] Authentication failed.\")".into(),
        );
        assert_eq!(
            in_words(&no),
            "the server said: [AUTHENTICATIONFAILED] Authentication failed."
        );
        // As it renders a folder refused.
        let folder = async_imap::error::Error::No(
            "outcome: Outcome { tag: RequestId(\"A0003\"), status: No, code: None, \
             information: Some(\"Mailbox doesn't exist: Nope\") }"
                .into(),
        );
        assert_eq!(
            in_words(&folder),
            "the server said: Mailbox doesn't exist: Nope"
        );
        let bare = async_imap::error::Error::Bad("code: None, info: None".into());
        assert_eq!(
            in_words(&bare),
            "the server said no (code: None, info: None)"
        );
        assert_eq!(
            in_words(&async_imap::error::Error::ConnectionLost),
            "the server closed the connection"
        );
    }
}
