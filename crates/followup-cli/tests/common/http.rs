//! Requests to a `followup serve` process over plain sockets (one connection per
//! request, as a browser with many tabs would), and the process itself.

#![allow(dead_code)] // each test file uses a part

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One request on a connection of its own: the status and the body.
pub fn request(port: u16, method: &str, path: &str, token: &str, body: &str) -> (u16, String) {
    request_as(
        port,
        method,
        path,
        &format!("Authorization: Bearer {token}"),
        body,
    )
}

/// [`request`] with `auth` as its header line (`Cookie: …`, say).
pub fn request_as(port: u16, method: &str, path: &str, auth: &str, body: &str) -> (u16, String) {
    let (code, _, body) = exchange(
        port,
        method,
        path,
        &format!("{auth}\r\nContent-Type: application/json"),
        body,
    );
    (code, body)
}

/// One request with the header lines `headers` (joined by `\r\n`; may be empty) on a
/// connection of its own: the status, the answer's headers (names in lower case) and
/// its body.
pub fn exchange(
    port: u16,
    method: &str,
    path: &str,
    headers: &str,
    body: &str,
) -> (u16, Vec<(String, String)>, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    // (No header lines: none, rather than an empty line that would end the head.)
    let headers = if headers.is_empty() {
        String::new()
    } else {
        format!("{headers}\r\n")
    };
    // One write, the whole request at once.
    let text = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(text.as_bytes())
        .unwrap_or_else(|e| panic!("{method} {path} on {port}: {e}"));
    let mut r = BufReader::new(s);
    let mut status = String::new();
    r.read_line(&mut status).unwrap();
    let code: u16 = status
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {status:?}"));
    let mut chunked = false;
    let mut length = None;
    let mut fields = Vec::new();
    loop {
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if lower == "transfer-encoding: chunked" {
            chunked = true;
        }
        if let Some(n) = lower.strip_prefix("content-length:") {
            length = n.trim().parse::<usize>().ok();
        }
        if let Some((name, value)) = line.split_once(':') {
            fields.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            r.read_line(&mut size).unwrap();
            let n = usize::from_str_radix(size.trim(), 16).unwrap();
            if n == 0 {
                break;
            }
            let mut chunk = vec![0; n + 2];
            r.read_exact(&mut chunk).unwrap();
            body.extend_from_slice(&chunk[..n]);
        }
    } else if let Some(n) = length {
        body.resize(n, 0);
        r.read_exact(&mut body).unwrap();
    } else if code != 304 {
        r.read_to_end(&mut body).unwrap();
    }
    (code, fields, String::from_utf8_lossy(&body).into_owned())
}

pub struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Server {
    /// `followup ARGS --port PORT` with an empty environment but `HOME`, once it
    /// listens.
    pub fn start(home: &Path, args: &[&str], port: u16) -> Server {
        Server::start_with(home, args, port, &[])
    }

    /// [`Server::start`] with the variables `env` set too.
    pub fn start_with(home: &Path, args: &[&str], port: u16, env: &[(&str, &str)]) -> Server {
        let child = Command::new(env!("CARGO_BIN_EXE_followup"))
            .env_clear()
            .envs(env.iter().copied())
            .env("HOME", home)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("TZ", "UTC")
            .args(args)
            .args(["--port", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Server(child);
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "no server on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }
}

/// Signs in at `/signin`: the session cookie (`name=value`), if one was set.
pub fn sign_in(port: u16, email: &str, password: &str) -> Option<String> {
    let form = format!(
        "email={}&password={}&next=%2F",
        encode(email),
        encode(password)
    );
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        s,
        "POST /signin HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
        form.len()
    )
    .unwrap();
    let mut text = String::new();
    BufReader::new(s).read_to_string(&mut text).ok()?;
    text.lines()
        .take_while(|l| !l.trim().is_empty())
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("set-cookie")
                .then(|| value.trim().split(';').next().unwrap_or("").to_string())
        })
        .filter(|c| !c.ends_with('='))
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Two processes serving one database, `connections` threads writing on one and
/// reading on the other, `rounds` times each, thread `c` as account `c % tokens`: an
/// application added (its company `Company c-round`), read back at once by id and on
/// the agenda of the other process. `check_id(account, id)` may refuse an id. What
/// went wrong, one line each; then every account holds exactly its own writes.
pub fn written_here_read_there(
    ports: [u16; 2],
    tokens: &[String],
    (connections, rounds): (usize, usize),
    check_id: fn(usize, i64) -> Option<String>,
) -> Vec<String> {
    let users = tokens.len();
    let workers: Vec<_> = (0..connections)
        .map(|c| {
            let token = tokens[c % users].clone();
            std::thread::spawn(move || {
                let mut problems = Vec::new();
                for round in 0..rounds {
                    // Written on one process, read on the other.
                    let (w, r) = if (c + round) % 2 == 0 {
                        (ports[0], ports[1])
                    } else {
                        (ports[1], ports[0])
                    };
                    let company = format!("Company {c}-{round}");
                    let body = format!(
                        r#"{{"company":"{company}","role":"Engineer","round":{{"at":"2026-12-01 10:00","tz":"America/New_York","interviewer":["Jane Doe <jane@example.org>"]}}}}"#
                    );
                    let (s, text) = request(w, "POST", "/api/applications", &token, &body);
                    if s != 201 {
                        problems.push(format!("POST on {w}: {s} {text}"));
                        continue;
                    }
                    let id = serde_json::from_str::<serde_json::Value>(&text).unwrap()["id"]
                        .as_i64()
                        .unwrap();
                    problems.extend(check_id(c % users, id));
                    let (s, text) =
                        request(r, "GET", &format!("/api/applications/{id}"), &token, "");
                    if s != 200 || !text.contains(&company) {
                        problems.push(format!("GET {id} on {r} after the write on {w}: {s}"));
                    }
                    // The agenda (a cached answer on SQLite) shows it at once on the
                    // other process.
                    let (s, text) = request(r, "GET", "/api/agenda", &token, "");
                    if s != 200 || !text.contains(&company) {
                        problems.push(format!("the agenda on {r} lacks {company}: {s}"));
                    }
                }
                problems
            })
        })
        .collect();
    let mut problems: Vec<String> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    // A form shown by one process is taken by the other: the same form token.
    let form_token = |port| {
        let (s, page) = request(port, "GET", "/settings", &tokens[0], "");
        assert_eq!(s, 200, "{page}");
        page.split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|t| t.split('"').next())
            .unwrap_or_default()
            .to_string()
    };
    let form = form_token(ports[0]);
    if form.len() != 64 || form_token(ports[1]) != form {
        problems.push("the two processes show different form tokens".into());
    }
    for (u, token) in tokens.iter().enumerate() {
        let (s, text) = request(ports[u % 2], "GET", "/api/applications", token, "");
        let all = serde_json::from_str::<serde_json::Value>(&text).unwrap_or_default();
        let n = all.as_array().map(Vec::len).unwrap_or(0);
        let mine = (0..connections).filter(|c| c % users == u).count() * rounds;
        if s != 200 || n != mine {
            problems.push(format!(
                "account {u} holds {n} applications, not {mine}: {s}"
            ));
        }
        for c in (0..connections).filter(|c| c % users != u) {
            if text.contains(&format!("Company {c}-")) {
                problems.push(format!("account {u} sees thread {c}'s"));
            }
        }
    }
    problems
}

/// A page form posted with the session cookie (from the site itself): the status and
/// the `Location` it leads to.
pub fn post_form(port: u16, path: &str, cookie: &str, form: &str) -> (u16, String) {
    let (status, headers) = post_form_headers(port, path, cookie, form);
    let location = header_of(&headers, "location").unwrap_or_default();
    (status, location)
}

/// Posts a page form as [`post_form`] does and follows its redirect as a browser
/// would, with the flash message it set: the status of the post and the page shown
/// after it.
pub fn post_form_and_follow(port: u16, path: &str, cookie: &str, form: &str) -> (u16, String) {
    let (status, headers) = post_form_headers(port, path, cookie, form);
    let Some(location) = header_of(&headers, "location") else {
        return (status, String::new());
    };
    let flash = headers
        .lines()
        .filter_map(|l| l.split_once(':'))
        .filter(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
        .filter_map(|(_, v)| v.trim().split(';').next())
        .find(|c| c.starts_with("followup_flash="))
        .map(|c| format!("; {c}"))
        .unwrap_or_default();
    let (_, page) = request_as(
        port,
        "GET",
        &location,
        &format!("Cookie: {cookie}{flash}"),
        "",
    );
    (status, page)
}

/// The status and header lines of a page form's answer.
fn post_form_headers(port: u16, path: &str, cookie: &str, form: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
        form.len()
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers: String = text
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    (status, headers)
}

/// The value of the header `name` among `headers` (one per line).
fn header_of(headers: &str, name: &str) -> Option<String> {
    headers.lines().find_map(|l| {
        let (n, value) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name)
            .then(|| value.trim().to_string())
    })
}

/// The value of the hidden field `name` of the first form of `page` (its form token
/// `csrf`, say).
pub fn form_field(page: &str, name: &str) -> Option<String> {
    page.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(str::to_string)
}
