//! `spawn_app`: the real binary on a throwaway database, and a small HTTP client for it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};
use zhidu_store::testing::{TestDatabase, test_now};

pub const ADMIN_PASSWORD: &str = "test-admin-password";
pub const JWT_SECRET: &str = "a-test-secret-that-is-long-enough-0123456789";

/// A running server; killed (and its database dropped) when this goes out of scope.
pub struct TestApp {
    pub base: String,
    /// `http://…/metrics` when the server was started with `ZHIDU_METRICS_BIND`.
    pub metrics_url: Option<String>,
    pub admin_token: String,
    child: Child,
    agent: ureq::Agent,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response with its body parsed as JSON (`Value::Null` when empty or not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
    pub body: Value,
    pub text: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Asserts an RFC 9457 problem with this status, and returns it.
    pub fn problem(&self, status: u16) -> &Value {
        assert_eq!(
            self.status, status,
            "expected {status}, got {}: {}",
            self.status, self.text
        );
        assert!(
            self.content_type.starts_with("application/problem+json"),
            "not problem+json: {} {}",
            self.content_type,
            self.text
        );
        assert_eq!(self.body["status"], status);
        assert!(
            self.body["type"].is_string()
                && self.body["title"].is_string()
                && self.body["detail"].is_string()
        );
        &self.body
    }

    /// The `field` names of a validation problem.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn ok(&self, status: u16) -> &Value {
        assert_eq!(
            self.status, status,
            "expected {status}, got {}: {}",
            self.status, self.text
        );
        &self.body
    }
}

/// An RFC 3339 instant of a response.
pub fn instant(value: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(value.as_str().unwrap(), &Rfc3339).unwrap()
}

/// `instant` as RFC 3339, the way the API and `ZHIDU_TEST_CLOCK_START` read it.
pub fn rfc3339(instant: OffsetDateTime) -> String {
    instant.format(&Rfc3339).unwrap()
}

/// The server on a test clock standing at the suite's instant ([`test_now`]: a fixed,
/// documented instant, or `ZHIDU_TEST_NOW`), never the machine's clock.
pub fn spawn_app(db: &TestDatabase) -> TestApp {
    spawn_app_with(db, &[])
}

/// The server on a test clock standing at `start`: for scenarios told on fixed dates.
pub fn spawn_app_at(db: &TestDatabase, start: OffsetDateTime) -> TestApp {
    spawn_app_at_with(db, start, &[])
}

pub fn spawn_app_with(db: &TestDatabase, extra_env: &[(&str, &str)]) -> TestApp {
    spawn_app_at_with(db, test_now(), extra_env)
}

pub fn spawn_app_at_with(
    db: &TestDatabase,
    start: OffsetDateTime,
    extra_env: &[(&str, &str)],
) -> TestApp {
    let start = rfc3339(start);
    let mut env = vec![
        ("ZHIDU_TEST_CLOCK", "1"),
        ("ZHIDU_TEST_CLOCK_START", start.as_str()),
    ];
    env.extend_from_slice(extra_env);
    start_server(db, &env)
}

/// The server as production runs it, on the real clock: only for tests that check that the
/// test clock is absent there.
pub fn spawn_app_on_the_real_clock(db: &TestDatabase) -> TestApp {
    start_server(db, &[])
}

fn start_server(db: &TestDatabase, extra_env: &[(&str, &str)]) -> TestApp {
    let mut command = Command::new(env!("CARGO_BIN_EXE_zhidu"));
    command
        .arg("serve")
        .env("DATABASE_URL", &db.url_text)
        .env("ZHIDU_BIND", "127.0.0.1:0")
        .env("ZHIDU_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("ZHIDU_JWT_SECRET", JWT_SECRET)
        .env("ZHIDU_WORKERS", "1")
        .env("ZHIDU_DB_POOL_SIZE", "4")
        .env("ZHIDU_LOG", "warn")
        .env("ZHIDU_SLA_SWEEP_SECONDS", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (name, value) in extra_env {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("the zhidu binary starts");
    let stdout = child.stdout.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    // The metrics address (when asked for) is printed before the API's.
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            for (prefix, is_api) in [("zhidu listening on ", true), ("zhidu metrics on ", false)] {
                if let Some(rest) = line.strip_prefix(prefix) {
                    let address = rest.split_whitespace().next().unwrap_or_default();
                    let _ = sender.send((is_api, address.to_owned()));
                }
            }
        }
    });
    let mut metrics_url = None;
    let base = loop {
        match receiver.recv_timeout(Duration::from_secs(60)) {
            Ok((true, base)) => break base,
            Ok((false, metrics)) => metrics_url = Some(metrics),
            Err(_) => {
                let _ = child.kill();
                panic!("zhidu did not report a listening address within 60 s");
            }
        }
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let mut app = TestApp {
        base,
        metrics_url,
        admin_token: String::new(),
        child,
        agent,
    };
    app.admin_token = app.token_for("admin", ADMIN_PASSWORD);
    app
}

impl TestApp {
    /// The server's now (its test clock).
    pub fn now(&self) -> OffsetDateTime {
        instant(&self.get("/api/v1/test-clock", &self.admin_token).ok(200)["now"])
    }

    /// The server's today, in the company's zone.
    pub fn today(&self) -> Date {
        self.now().date()
    }

    /// Moves the server's clock forward to `to`.
    pub fn set_clock(&self, to: OffsetDateTime) {
        let reply = self.json(
            "PUT",
            "/api/v1/test-clock",
            Some(&self.admin_token),
            &json!({"now": rfc3339(to)}),
        );
        assert_eq!(reply.ok(200)["real"], false);
    }

    /// Lets `by` pass on the server's clock; returns the new now.
    pub fn advance(&self, by: time::Duration) -> OffsetDateTime {
        let to = self.now() + by;
        self.set_clock(to);
        to
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Any request; `body` is sent as-is with `content_type` when given.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<(&str, &[u8])>,
    ) -> Reply {
        self.send_with_headers(method, path, token, &[], body)
    }

    /// A JSON POST with extra headers (`Idempotency-Key`, …).
    pub fn post_with_headers(
        &self,
        path: &str,
        token: &str,
        headers: &[(&str, &str)],
        body: &Value,
    ) -> Reply {
        let bytes = serde_json::to_vec(body).unwrap();
        self.send_with_headers(
            "POST",
            path,
            Some(token),
            headers,
            Some(("application/json", &bytes)),
        )
    }

    pub fn send_with_headers(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<(&str, &[u8])>,
    ) -> Reply {
        let url = self.url(path);
        let mut request = ureq::http::Request::builder().method(method).uri(&url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = match token {
            Some(token) => request.header("Authorization", format!("Bearer {token}")),
            None => request,
        };
        let response = match body {
            Some((content_type, bytes)) => {
                let request = request
                    .header("Content-Type", content_type)
                    .body(bytes.to_vec())
                    .unwrap();
                self.agent.run(request)
            }
            None => self.agent.run(request.body(()).unwrap()),
        }
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or_default().to_owned()))
            .collect();
        let content_type = content_type(response.headers());
        let text = response.into_body().read_to_string().unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            content_type,
            headers,
            body,
            text,
        }
    }

    /// The raw body of a successful GET (a binary download).
    pub fn bytes(&self, path: &str, token: &str) -> Vec<u8> {
        let request = ureq::http::Request::builder()
            .method("GET")
            .uri(self.url(path))
            .header("Authorization", format!("Bearer {token}"))
            .body(())
            .unwrap();
        let response = self.agent.run(request).unwrap();
        assert_eq!(response.status().as_u16(), 200, "GET {path}");
        response.into_body().read_to_vec().unwrap()
    }

    pub fn get(&self, path: &str, token: &str) -> Reply {
        self.send("GET", path, Some(token), None)
    }

    pub fn post(&self, path: &str, token: &str, body: &Value) -> Reply {
        self.json("POST", path, Some(token), body)
    }

    pub fn json(&self, method: &str, path: &str, token: Option<&str>, body: &Value) -> Reply {
        let bytes = serde_json::to_vec(body).unwrap();
        self.send(method, path, token, Some(("application/json", &bytes)))
    }

    pub fn token_for(&self, username: &str, password: &str) -> String {
        let reply = self.json(
            "POST",
            "/api/v1/auth/token",
            None,
            &json!({"grant_type": "password", "username": username, "password": password}),
        );
        reply.ok(200)["access_token"].as_str().unwrap().to_owned()
    }

    /// Creates a staff user with `roles` and returns (id, token).
    pub fn user_with_roles(&self, username: &str, roles: &[&str]) -> (String, String) {
        let password = format!("{username}-password-123");
        let reply = self.post(
            "/api/v1/users",
            &self.admin_token,
            &json!({"username": username, "display_name": username, "password": password, "roles": roles}),
        );
        let id = reply.ok(201)["id"].as_str().unwrap().to_owned();
        (id, self.token_for(username, &password))
    }

    /// Creates a department (as admin) and returns its id.
    pub fn create_department(&self, name: &str) -> String {
        self.post(
            "/api/v1/departments",
            &self.admin_token,
            &json!({ "name": name }),
        )
        .ok(201)["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub fn create_customer(&self, body: &Value) -> Value {
        self.post("/api/v1/customers", &self.admin_token, body)
            .ok(201)
            .clone()
    }

    /// Creates an employee (as admin) and returns their id. `fields` needs `name`,
    /// `department_id` and `rank`; the HR facts default to a man born 1990-05-20, hired
    /// 2020-01-06 on 5200.00, unless given.
    pub fn create_employee(&self, fields: &Value) -> String {
        let mut body = json!({
            "gender": "male",
            "birth_date": "1990-05-20",
            "hired_on": "2020-01-06",
            "base_salary": "5200.00"
        });
        for (key, value) in fields.as_object().unwrap() {
            body[key] = value.clone();
        }
        self.post("/api/v1/employees", &self.admin_token, &body)
            .ok(201)["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The audit trail of one entity, every page of it.
    pub fn audit(&self, entity_type: &str, entity_id: &str) -> Vec<Value> {
        let mut trail = Vec::new();
        let mut cursor = String::new();
        loop {
            let page = self
                .get(
                    &format!(
                        "/api/v1/audit?entity_type={entity_type}&entity_id={entity_id}{cursor}"
                    ),
                    &self.admin_token,
                )
                .ok(200)
                .clone();
            trail.extend(page["items"].as_array().unwrap().iter().cloned());
            match page["next_cursor"].as_str() {
                Some(next) => cursor = format!("&cursor={next}"),
                None => return trail,
            }
        }
    }

    /// INBOX-1: the ids of the items of `kind` waiting on the holder of `token` (first page).
    pub fn inbox_ids(&self, token: &str, kind: &str) -> Vec<String> {
        self.get(
            &format!("/api/v1/approvals/inbox?kind={kind}&limit=500"),
            token,
        )
        .ok(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["id"].as_str().unwrap().to_owned())
            .collect()
    }
}

/// The `Content-Type` of a response, empty when absent.
pub fn content_type(headers: &ureq::http::HeaderMap) -> String {
    headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}
