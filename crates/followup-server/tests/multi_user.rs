//! `followup serve --multi-user`: sign-in, sessions, tokens, one-time links, and one
//! user never reaching another's records.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use followup_app::accounts::{self, Office};
use followup_server::accounts::{MultiUser, ID_BLOCK};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

struct Office1 {
    _dir: tempfile::TempDir,
    office: Office,
    app: Router,
}

fn office(trust_proxy: bool) -> Office1 {
    let dir = tempfile::tempdir().unwrap();
    let office = Office::new(dir.path().join("office.sqlite"));
    let ctx = common::ctx(office.db());
    let app = followup_server::accounts::router(
        followup_server::Config {
            pg: None,
            hosted: false,
            db: office.db().to_path_buf(),
            settings: ctx.settings.clone(),
            policy: ctx.policy.clone(),
            now: Some(ctx.now),
            token: None,
            config_file: None,
        },
        MultiUser {
            office: office.clone(),
            open_signup: false,
            trust_proxy,
            pg: None,
        },
    );
    Office1 {
        _dir: dir,
        office,
        app,
    }
}

fn now() -> jiff::Timestamp {
    common::NOW.parse().unwrap()
}

const PASSWORD: &str = "correct horse battery";

impl Office1 {
    fn user(&self, email: &str) -> i64 {
        let mut s = self.office.open().unwrap();
        accounts::create_user(&self.office, &mut s, email, Some(PASSWORD), now())
            .unwrap()
            .0
            .id
    }

    fn token(&self, email: &str) -> String {
        let mut s = self.office.open().unwrap();
        accounts::new_api_token(&mut s, email, now()).unwrap().1
    }

    async fn send(&self, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
        let r = self.app.clone().oneshot(req).await.unwrap();
        let (status, headers) = (r.status(), r.headers().clone());
        let body = r.into_body().collect().await.unwrap().to_bytes();
        (status, headers, String::from_utf8_lossy(&body).into_owned())
    }

    /// Signs in: the session cookie (`name=value`) and the whole `Set-Cookie`.
    async fn sign_in(&self, email: &str, password: &str) -> (StatusCode, String, String) {
        let req = Request::post("/signin")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "email={}&password={}&next=%2Fpipeline",
                form(email),
                form(password)
            )))
            .unwrap();
        let (s, h, _) = self.send(req).await;
        let set = h
            .get(header::SET_COOKIE)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let cookie = set.split(';').next().unwrap_or("").to_string();
        (s, cookie, set)
    }
}

fn form(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn get(path: &str, cookie: &str) -> Request<Body> {
    Request::get(path)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap()
}

fn with_auth(method: &str, path: &str, auth: &Auth, body: Option<&Value>) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(path);
    b = match auth {
        Auth::Cookie(c) => b.header(header::COOKIE, c.as_str()),
        Auth::Bearer(t) => b.header(header::AUTHORIZATION, format!("Bearer {t}")),
    };
    match body {
        Some(v) => b
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(v.to_string()))
            .unwrap(),
        None => b.body(Body::empty()).unwrap(),
    }
}

enum Auth {
    Cookie(String),
    Bearer(String),
}

#[tokio::test]
async fn pages_ask_to_sign_in_and_a_session_opens_them() {
    let o = office(false);
    o.user("ann@example.com");
    let (s, h, _) = o.send(get("/pipeline?q=acme", "")).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(h[header::LOCATION], "/signin?next=%2Fpipeline%3Fq%3Dacme");
    let (s, h, body) = o.send(get("/api/agenda", "")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(h[header::CONTENT_TYPE], "application/problem+json");
    assert!(body.contains("sign in at /signin"), "{body}");

    let (s, _, _) = o.sign_in("ann@example.com", "not the password").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, cookie, set) = o.sign_in("ANN@example.com", PASSWORD).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "plain HTTP: {set}");
    let (s, _, body) = o.send(get("/", &cookie)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("href=\"/account\""), "the Account link");
    let (s, _, body) = o.send(get("/account", &cookie)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("ann@example.com"));

    // Signing out ends the session for good.
    let req = Request::post("/signout")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    let (s, h, _) = o.send(req).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(h[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let (s, _, _) = o.send(get("/api/agenda", &cookie)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn behind_a_trusted_https_proxy_the_cookie_is_secure() {
    let o = office(true);
    o.user("ann@example.com");
    let req = Request::post("/signin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-proto", "https")
        .body(Body::from(format!(
            "email=ann%40example.com&password={}",
            form(PASSWORD)
        )))
        .unwrap();
    let (s, h, _) = o.send(req).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(h[header::SET_COOKIE].to_str().unwrap().contains("; Secure"));
}

#[tokio::test]
async fn sign_out_everywhere_ends_every_session_and_tokens_still_work() {
    let o = office(false);
    o.user("ann@example.com");
    let (_, first, _) = o.sign_in("ann@example.com", PASSWORD).await;
    let (_, second, _) = o.sign_in("ann@example.com", PASSWORD).await;
    assert_ne!(first, second);
    let token = o.token("ann@example.com");
    let req = Request::post("/account/signout-everywhere")
        .header(header::COOKIE, &first)
        .body(Body::empty())
        .unwrap();
    assert_eq!(o.send(req).await.0, StatusCode::SEE_OTHER);
    for c in [&first, &second] {
        assert_eq!(
            o.send(get("/api/agenda", c)).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    let (s, _, _) = o
        .send(with_auth("GET", "/api/agenda", &Auth::Bearer(token), None))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _, _) = o
        .send(with_auth(
            "GET",
            "/api/agenda",
            &Auth::Bearer("0".repeat(64)),
            None,
        ))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_sign_up_link_sets_the_first_password_once() {
    let o = office(false);
    let key = {
        let mut s = o.office.open().unwrap();
        accounts::create_user(&o.office, &mut s, "raj@example.com", None, now())
            .unwrap()
            .1
            .unwrap()
    };
    let (s, _, body) = o.send(get(&format!("/signup/{key}"), "")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("raj@example.com"));
    let post = |password: &str| {
        Request::post(format!("/signup/{key}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("password={}", form(password))))
            .unwrap()
    };
    let (s, _, body) = o.send(post("short")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("at least 10 characters"), "{body}");
    let (s, h, _) = o.send(post(PASSWORD)).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let cookie = h[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(o.send(get("/api/agenda", &cookie)).await.0, StatusCode::OK);
    // Used: the link is dead, and the password it set signs in.
    assert_eq!(
        o.send(post("another password")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        o.sign_in("raj@example.com", PASSWORD).await.0,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn repeated_failures_are_refused_for_a_while() {
    let o = office(false);
    o.user("ann@example.com");
    for _ in 0..accounts::MAX_FAILURES {
        assert_eq!(
            o.sign_in("ann@example.com", "wrong wrong wrong").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    let req = Request::post("/signin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "email=ann%40example.com&password={}",
            form(PASSWORD)
        )))
        .unwrap();
    let (s, h, body) = o.send(req).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(h[header::RETRY_AFTER], "900");
    assert!(body.contains("try again in 15 minutes"), "{body}");
}

/// A's records: an application with a round, a contact, a note, a touchpoint and a
/// skip, made through the API; their ids by the name of the path parameter.
async fn fill(o: &Office1, a: &Auth) -> std::collections::HashMap<&'static str, i64> {
    let new = json!({
        "company": "Acme", "role": "Backend Engineer",
        "round": {"at": "2026-12-01 10:00", "tz": "America/New_York",
                  "interviewer": ["Jane Doe <jane@acme.example>"]}
    });
    let (s, _, body) = o
        .send(with_auth("POST", "/api/applications", a, Some(&new)))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let app: Value = serde_json::from_str(&body).unwrap();
    let id = app["id"].as_i64().unwrap();
    let path = |p: &str| format!("/api/applications/{id}{p}");
    let (s, _, body) = o
        .send(with_auth(
            "POST",
            &path("/notes"),
            a,
            Some(&json!({"topic": ["the billing migration"]})),
        ))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let note = serde_json::from_str::<Value>(&body).unwrap()[0]["id"]
        .as_i64()
        .unwrap();
    let (s, _, body) = o
        .send(with_auth(
            "POST",
            &path("/touchpoints"),
            a,
            Some(&json!({"kind": "thank-you", "to": "Jane"})),
        ))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let tp = serde_json::from_str::<Value>(&body).unwrap()["id"]
        .as_i64()
        .unwrap();
    let (_, _, body) = o.send(with_auth("GET", &path(""), a, None)).await;
    let full: Value = serde_json::from_str(&body).unwrap();
    let contact = full["full"]["contacts"][0]["id"].as_i64().unwrap();
    let (s, _, body) = o
        .send(with_auth(
            "POST",
            &path("/skips"),
            a,
            Some(&json!({"step": "follow_up"})),
        ))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let skip = serde_json::from_str::<Value>(&body).unwrap()["id"]
        .as_i64()
        .unwrap();
    std::collections::HashMap::from([
        ("id", id),
        ("who", contact),
        ("note", note),
        ("tid", tp),
        ("sid", skip),
    ])
}

/// Everything of A's, as a backup has it.
fn export(o: &Office1, user: i64) -> String {
    let store = followup_store::Store::open(o.office.user_db(user)).unwrap();
    serde_json::to_string(&store.export().unwrap()).unwrap()
}

#[tokio::test]
async fn another_user_reaches_none_of_a_users_records_by_any_route() {
    let o = office(false);
    let ann = o.user("ann@example.com");
    let bob = o.user("bob@example.com");
    let (_, ann_cookie, _) = o.sign_in("ann@example.com", PASSWORD).await;
    let ids = fill(&o, &Auth::Cookie(ann_cookie)).await;
    assert!(ids.values().all(|&i| i > ann * ID_BLOCK), "{ids:?}");
    // Bob has records of his own too, and a mail account (so that sending is refused
    // for whose the application is, not for want of one).
    std::fs::write(
        o.office.user_config(bob),
        "[mail]\nsmtp = \"smtp://127.0.0.1:9\"\nuser = \"bob@example.com\"\naddress = \"bob@example.com\"\n",
    )
    .unwrap();
    let (_, bob_cookie, _) = o.sign_in("bob@example.com", PASSWORD).await;
    let bob_ids = fill(&o, &Auth::Cookie(bob_cookie.clone())).await;
    let me = json!({"name": "Bob Builder", "email": "bob@example.com"});
    let (s, _, body) = o
        .send(with_auth(
            "PUT",
            "/api/profile",
            &Auth::Cookie(bob_cookie.clone()),
            Some(&me),
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(bob_ids["id"] > bob * ID_BLOCK);
    let before = export(&o, ann);

    let (_, _, doc) = o
        .send(with_auth(
            "GET",
            "/api/openapi.json",
            &Auth::Cookie(bob_cookie.clone()),
            None,
        ))
        .await;
    let doc: Value = serde_json::from_str(&doc).unwrap();
    let mut walked = 0;
    let mut wrong = Vec::new();
    for auth in [
        Auth::Cookie(bob_cookie),
        Auth::Bearer(o.token("bob@example.com")),
    ] {
        for (path, item) in doc["paths"].as_object().unwrap() {
            if !path.contains('{') {
                continue; // Bob's own: the agenda, the settings, ...
            }
            let mut uri = path.clone();
            for (name, id) in &ids {
                uri = uri.replace(&format!("{{{name}}}"), &id.to_string());
            }
            assert!(!uri.contains('{'), "no id of Ann's for {path}");
            if path.ends_with("/draft") {
                uri.push_str("?kind=thank-you");
            }
            for method in item.as_object().unwrap().keys() {
                let m = method.to_uppercase();
                if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&m.as_str()) {
                    continue;
                }
                let body = (m != "GET" && m != "DELETE").then(|| valid_body(&m, path));
                let (s, _, text) = o.send(with_auth(&m, &uri, &auth, body.as_ref())).await;
                if s != StatusCode::NOT_FOUND {
                    wrong.push(format!("{m} {uri}: {s} {text}"));
                }
                walked += 1;
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The same reads with Bob's own ids answer (the walk's 404s are not the requests').
    let bob_auth = Auth::Bearer(o.token("bob@example.com"));
    for (m, path) in [
        ("GET", "/api/applications/{id}"),
        ("GET", "/api/applications/{id}/draft?kind=thank-you"),
        ("PATCH", "/api/applications/{id}/contacts/{who}"),
        ("PATCH", "/api/applications/{id}"),
    ] {
        let mut uri = path.to_string();
        for (name, id) in &bob_ids {
            uri = uri.replace(&format!("{{{name}}}"), &id.to_string());
        }
        let body = (m == "PATCH").then(|| valid_body(m, path.split('?').next().unwrap()));
        let (s, _, text) = o.send(with_auth(m, &uri, &bob_auth, body.as_ref())).await;
        assert_eq!(s, StatusCode::OK, "{m} {uri}: {text}");
    }
    assert!(walked >= 40, "{walked} requests");
    assert_eq!(export(&o, ann), before, "Ann's records changed");
}

#[tokio::test]
async fn each_user_keeps_their_own_settings() {
    let o = office(false);
    o.user("ann@example.com");
    o.user("bob@example.com");
    let ann = Auth::Bearer(o.token("ann@example.com"));
    let bob = Auth::Bearer(o.token("bob@example.com"));
    let (s, _, body) = o
        .send(with_auth(
            "PUT",
            "/api/settings",
            &ann,
            Some(&json!({"tz": "Europe/Berlin"})),
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (_, _, a) = o.send(with_auth("GET", "/api/settings", &ann, None)).await;
    let (_, _, b) = o.send(with_auth("GET", "/api/settings", &bob, None)).await;
    let tz = |t: &str| serde_json::from_str::<Value>(t).unwrap()["settings"]["tz"].clone();
    assert_eq!(tz(&a), "Europe/Berlin");
    assert_eq!(tz(&b), "America/New_York");
}

/// A body each route would take from the owner of the records (so that a refusal
/// can only be for whose they are, not for what was sent).
fn valid_body(method: &str, path: &str) -> Value {
    let end = path.rsplit('/').next().unwrap_or("");
    match (method, end) {
        ("PATCH", "{id}") if path.starts_with("/api/outbox/") => {
            json!({"at": "2026-12-03T15:00:00Z"})
        }
        ("PATCH", "{id}") => json!({"company": "Mallory Inc"}),
        ("PATCH", "{who}") | ("PUT", "{who}") => json!({"role": "recruiter"}),
        ("POST", "contacts") => json!({"name": "Eve Mallory"}),
        ("POST", "notes") => json!({"topic": ["something"]}),
        ("POST", "touchpoints") => json!({"kind": "call"}),
        ("POST", "replies") => json!({}),
        ("POST", "outcome") => json!({"outcome": "rejected"}),
        ("POST", "skips") => json!({"step": "follow_up"}),
        ("POST", "interviews") => json!({"at": "2026-12-09 10:00", "tz": "America/New_York"}),
        ("POST", "draft") => json!({"kind": "thank-you"}),
        ("POST", "send") => json!({"kind": "thank-you"}),
        _ => json!({}),
    }
}

#[tokio::test]
async fn a_calendar_fetches_its_users_feed_without_signing_in() {
    let o = office(false);
    o.user("ann@example.com");
    o.user("bob@example.com");
    let ann = Auth::Bearer(o.token("ann@example.com"));
    let bob = Auth::Bearer(o.token("bob@example.com"));
    fill(&o, &ann).await;
    let feed_path = |body: &str| {
        let url = serde_json::from_str::<Value>(body).unwrap()["url"]
            .as_str()
            .unwrap()
            .to_string();
        url[url.find("/feed/").unwrap()..].to_string()
    };
    let (s, _, body) = o.send(with_auth("POST", "/api/feed", &ann, None)).await;
    assert!(s.is_success(), "{s} {body}");
    let ann_feed = feed_path(&body);
    let (_, _, body) = o.send(with_auth("POST", "/api/feed", &bob, None)).await;
    let bob_feed = feed_path(&body);
    assert_ne!(ann_feed, bob_feed);

    let (s, h, cal) = o.send(get(&ann_feed, "")).await;
    assert_eq!(s, StatusCode::OK, "{cal}");
    assert!(h[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    assert!(cal.contains("Acme"), "{cal}");
    let (s, _, cal) = o.send(get(&bob_feed, "")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!cal.contains("Acme"), "Bob's feed shows Ann's plan: {cal}");
    let wrong = format!("/feed/{}.ics", "0".repeat(64));
    assert_eq!(o.send(get(&wrong, "")).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_local_backup_moves_into_an_account_and_out_again() {
    let o = office(false);
    o.user("ann@example.com");
    o.user("bob@example.com");
    let (_, ann, _) = o.sign_in("ann@example.com", PASSWORD).await;
    let bob = Auth::Bearer(o.token("bob@example.com"));
    fill(&o, &bob).await;
    // A job search kept on a laptop, backed up as `followup backup` writes it.
    let laptop = o.office.db().with_file_name("laptop.sqlite");
    let mut store = followup_store::Store::open(&laptop).unwrap();
    followup_store::demo::populate(&mut store, 12, 7, now()).unwrap();
    let backup = serde_json::to_string(&store.export().unwrap()).unwrap();
    drop(store);

    let (_, _, page) = o.send(get("/settings", &ann)).await;
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let boundary = "XfollowupBoundaryX";
    let mut body = String::new();
    for (name, file, value) in [
        ("csrf", None, csrf.as_str()),
        ("confirm", None, "yes"),
        ("file", Some("followup-backup.json"), backup.as_str()),
    ] {
        body.push_str(&format!("--{boundary}\r\n"));
        match file {
            Some(f) => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/json\r\n\r\n"
            )),
            None => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"
            )),
        }
        body.push_str(value);
        body.push_str("\r\n");
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    let req = Request::post("/settings/restore")
        .header(header::COOKIE, &ann)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let (s, _, text) = o.send(req).await;
    assert!(s.is_success() || s.is_redirection(), "{s} {text}");

    let count = |t: &str| {
        serde_json::from_str::<Value>(t).unwrap()["applications"]
            .as_array()
            .unwrap()
            .len()
    };
    // Out again: Ann's download is the laptop's job search.
    let (s, _, down) = o.send(get("/backup.json", &ann)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(count(&down), count(&backup));
    let (_, _, list) = o
        .send(with_auth("GET", "/api/applications", &bob, None))
        .await;
    let bobs = serde_json::from_str::<Value>(&list).unwrap();
    assert_eq!(bobs.as_array().map(Vec::len), Some(1), "Bob's: {list}");
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_and_signs_out_everywhere_else() {
    let o = office(false);
    let ann = o.user("ann@example.com");
    let (_, old_session, _) = o.sign_in("ann@example.com", PASSWORD).await;
    let key = {
        let mut s = o.office.open().unwrap();
        accounts::new_link(
            &mut s,
            ann,
            followup_store::accounts::LinkPurpose::Reset,
            now(),
        )
        .unwrap()
    };
    // A reset link is not a sign-up link.
    assert_eq!(
        o.send(get(&format!("/signup/{key}"), "")).await.0,
        StatusCode::NOT_FOUND
    );
    let req = Request::post(format!("/reset/{key}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("password=a+brand+new+secret"))
        .unwrap();
    let (s, h, _) = o.send(req).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let cookie = h[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(o.send(get("/api/agenda", &cookie)).await.0, StatusCode::OK);
    assert_eq!(
        o.send(get("/api/agenda", &old_session)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        o.sign_in("ann@example.com", PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        o.sign_in("ann@example.com", "a brand new secret").await.0,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn the_account_page_revokes_every_api_token() {
    let o = office(false);
    o.user("ann@example.com");
    let (_, cookie, _) = o.sign_in("ann@example.com", PASSWORD).await;
    let token = o.token("ann@example.com");
    let (_, _, page) = o.send(get("/account", &cookie)).await;
    assert!(page.contains("1 API token in use."), "{page}");
    let req = Request::post("/account/tokens/revoke")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    let (s, _, page) = o.send(req).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("1 API token revoked"), "{page}");
    let (s, _, _) = o
        .send(with_auth("GET", "/api/agenda", &Auth::Bearer(token), None))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // The browser's session stays.
    assert_eq!(o.send(get("/api/agenda", &cookie)).await.0, StatusCode::OK);
}
