//! Signing in through every door of the real server, on SQLite and PostgreSQL: seed 002's
//! `/api/admin` login with its exact bodies and rate limit, the dashboard form and page guard,
//! seed 001's credential order on `/api/v1`, sessions (cookie flags, logout, idle expiry), CSRF
//! refusal, the first-run owner and `streamgate admin create`.

mod common;

use std::time::Duration;

use common::{
    admin::{v1_error, v1_token, OWNER_EMAIL, OWNER_PASSWORD},
    admin_create, fails_saying, get, jwt, on_both_databases, post_json, request, run_json, Body,
    Reply, Server, ADMIN_PASS, ADMIN_USER,
};
use serde_json::{json, Value};

/// `streamgate admin create` for the account's first owner, without naming the role.
fn create_owner(data_dir: &std::path::Path, database_url: Option<&str>) -> Value {
    run_json(admin_create(
        data_dir,
        database_url,
        OWNER_EMAIL,
        OWNER_PASSWORD,
        None,
    ))
}

fn cookie_header(reply: &Reply) -> String {
    reply.session_cookie().expect("a session cookie").0
}

/// `GET /api/v1/auth/me` with a dashboard JWT.
fn me_with_token(server: &Server, token: &str) -> Value {
    let bearer = format!("Bearer {token}");
    get(
        &server.app_url("/api/v1/auth/me"),
        &[("authorization", &bearer)],
    )
    .json()
}

/// The dashboard's sign-in form posted as the owner, with `next` where to go after.
fn form_login(server: &Server, password: &str, next: &str) -> Reply {
    request(
        "POST",
        &server.app_url("/admin/login"),
        &[],
        Body::Form(&[
            ("email", OWNER_EMAIL),
            ("password", password),
            ("next", next),
        ]),
    )
}

/// Whether the server logged creating a first owner.
fn logged_first_start(server: &Server) -> bool {
    server
        .log_lines()
        .iter()
        .any(|line| line.contains("first start"))
}

/// A seed 001 error: exactly this status and message.
fn seed_001_error(reply: &Reply, status: u16, message: &str) {
    assert_eq!(reply.answer(), (status, v1_error(status, message)));
}

/// The subject of a dashboard JWT for `member` (as `admin create` printed them).
fn subject_of(member: &Value) -> String {
    format!("user:{}", member["userId"].as_str().unwrap())
}

/// What a session cookie says besides its value on plain http, for `max_age` seconds.
fn cookie_attributes(max_age: u64) -> String {
    format!(" HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}")
}

#[test]
fn an_admin_session_is_a_strict_http_only_cookie_that_logout_ends_on_the_server() {
    on_both_databases(|database_url| {
        let data_dir = tempfile::tempdir().unwrap();
        let owner = create_owner(data_dir.path(), database_url);
        assert_eq!(
            (owner["email"].as_str(), owner["role"].as_str()),
            (Some(OWNER_EMAIL), Some("owner"))
        );
        let server = Server::start(data_dir.path(), database_url);
        let session_url = server.app_url("/api/admin/session");
        assert_eq!(
            get(&session_url, &[]).json(),
            json!({ "authenticated": false })
        );

        let login = post_json(
            &server.app_url("/api/admin/login"),
            &[],
            json!({ "email": OWNER_EMAIL, "password": OWNER_PASSWORD }),
        );
        assert_eq!(
            (login.status, login.json()),
            (200, json!({ "success": true }))
        );
        // Plain http is not Secure; the session lasts eight hours.
        let (cookie, attributes) = login.session_cookie().unwrap();
        assert_eq!(attributes, cookie_attributes(8 * 3600));
        let value = cookie.strip_prefix("streamgate_session=").unwrap();
        assert!(
            value.len() >= 22
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "not a random session id: {value}"
        );
        let with_cookie = [("cookie", cookie.as_str())];

        assert_eq!(
            get(&session_url, &with_cookie).json(),
            json!({ "authenticated": true })
        );
        let me = get(&server.app_url("/api/v1/auth/me"), &with_cookie).json();
        assert_eq!(me["data"]["userId"], owner["userId"]);
        assert_eq!(me["data"]["accountId"], owner["accountId"]);
        assert_eq!(me["data"]["role"], "owner");
        assert_eq!(me["data"]["isSuperadmin"], false);
        assert_eq!(me["data"]["via"], "session");

        // The dashboard pages render for the session, and the sign-in page sends it onwards.
        let users = get(&server.app_url("/admin/users"), &with_cookie);
        assert_eq!(users.status, 200);
        assert!(users.body.contains(OWNER_EMAIL), "{}", users.body);
        let login_page = get(&server.app_url("/admin/login"), &with_cookie);
        assert_eq!(
            (login_page.status, login_page.header("location")),
            (303, Some("/admin"))
        );

        let logout = request(
            "POST",
            &server.app_url("/api/admin/logout"),
            &with_cookie,
            Body::Empty,
        );
        assert_eq!(
            (logout.status, logout.json()),
            (200, json!({ "success": true }))
        );
        // The row is gone: replaying the old cookie does not bring the session back.
        assert_eq!(
            get(&session_url, &with_cookie).json(),
            json!({ "authenticated": false })
        );
        seed_001_error(
            &get(&server.app_url("/api/v1/auth/me"), &with_cookie),
            401,
            "Authentication required",
        );
        assert!(server.terminate().success());
    });
}

#[test]
fn the_eleventh_sign_in_a_minute_is_refused_on_every_door_and_all_are_audited() {
    on_both_databases(|database_url| {
        let data_dir = tempfile::tempdir().unwrap();
        let owner = create_owner(data_dir.path(), database_url);
        let server = Server::start(data_dir.path(), database_url);
        let url = server.app_url("/api/admin/login");
        for _ in 0..9 {
            let reply = post_json(
                &url,
                &[],
                json!({ "email": OWNER_EMAIL, "password": "wrong password" }),
            );
            assert_eq!(
                (reply.status, reply.json()),
                (401, json!({ "error": "Invalid password" }))
            );
        }
        // The tenth attempt this minute is still heard (and right); the eleventh is not.
        let reply = post_json(
            &url,
            &[],
            json!({ "email": OWNER_EMAIL, "password": OWNER_PASSWORD }),
        );
        assert_eq!(reply.status, 200);
        let reply = post_json(
            &url,
            &[],
            json!({ "email": OWNER_EMAIL, "password": OWNER_PASSWORD }),
        );
        assert_eq!(
            (reply.status, reply.json()),
            (429, json!({ "error": "Too many login attempts" }))
        );
        // Every sign-in door shares the per-IP limit, each in its own format.
        seed_001_error(
            &post_json(
                &server.app_url("/api/v1/auth/login"),
                &[],
                json!({ "email": OWNER_EMAIL, "password": OWNER_PASSWORD }),
            ),
            429,
            "Too many login attempts",
        );
        let form = form_login(&server, OWNER_PASSWORD, "/admin/users");
        assert_eq!(form.status, 303);
        let location = form.header("location").unwrap().to_owned();
        assert_eq!(
            location,
            "/admin/login?error=rate_limited&next=%2Fadmin%2Fusers"
        );
        let page = get(&server.app_url(&location), &[]);
        assert!(
            page.body.contains("Too many login attempts"),
            "{}",
            page.body
        );

        // The limit is kept in the database: a fresh server process (another instance alike)
        // still refuses, until the allowance refills (one attempt every six seconds; refused
        // attempts do not count).
        drop(server);
        let server = Server::start(data_dir.path(), database_url);
        let v1_login = || {
            post_json(
                &server.app_url("/api/v1/auth/login"),
                &[],
                json!({ "email": OWNER_EMAIL, "password": OWNER_PASSWORD }),
            )
        };
        seed_001_error(&v1_login(), 429, "Too many login attempts");
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        let signed_in = loop {
            let reply = v1_login();
            if reply.status != 429 {
                break reply;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the allowance never refilled"
            );
            std::thread::sleep(Duration::from_millis(500));
        };
        // That attempt signed in; every attempt is in the audit trail, with the client's address.
        assert_eq!(signed_in.status, 200, "{}", signed_in.body);
        let token = signed_in.json()["data"]["token"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(jwt::dashboard_claims(&token)["sub"], subject_of(&owner));
        let bearer = format!("Bearer {token}");
        let audit = get(
            &server.app_url("/api/v1/audit"),
            &[("authorization", &bearer)],
        )
        .json();
        let entries = audit["data"].as_array().unwrap();
        let count = |action: &str| entries.iter().filter(|e| e["action"] == action).count();
        assert_eq!(
            (count("sign_in.failed"), count("sign_in.succeeded")),
            (9, 2),
            "{audit}"
        );
        assert!(
            entries
                .iter()
                .all(|e| e["ip"] == "127.0.0.1" || e["action"] == "user.created"),
            "{audit}"
        );
    });
}

#[test]
fn the_break_glass_admin_signs_in_with_the_seed_body_and_as_a_superadmin() {
    let data_dir = tempfile::tempdir().unwrap();
    let server = Server::start(data_dir.path(), None);
    let login = post_json(
        &server.app_url("/api/admin/login"),
        &[],
        json!({ "password": ADMIN_PASS }),
    );
    assert_eq!(
        (login.status, login.json()),
        (200, json!({ "success": true }))
    );
    let cookie = cookie_header(&login);
    let me = get(&server.app_url("/api/v1/auth/me"), &[("cookie", &cookie)]).json();
    assert_eq!(me["data"]["isSuperadmin"], true);
    assert_eq!(me["data"]["via"], "session");
    assert_eq!(me["data"]["accountId"], Value::Null);

    let wrong = post_json(
        &server.app_url("/api/admin/login"),
        &[],
        json!({ "password": "guess" }),
    );
    assert_eq!(
        (wrong.status, wrong.json()),
        (401, json!({ "error": "Invalid password" }))
    );

    let token = v1_token(&server, ADMIN_USER, ADMIN_PASS);
    assert_eq!(jwt::dashboard_claims(&token)["sub"], "superadmin");
    let me = me_with_token(&server, &token);
    assert_eq!(
        (
            me["data"]["isSuperadmin"].as_bool(),
            me["data"]["via"].as_str()
        ),
        (Some(true), Some("admin_jwt"))
    );
    // With ADMIN_USER set, nobody else is created on first start.
    assert!(!logged_first_start(&server));
}

#[test]
fn a_first_start_without_admins_creates_an_owner_and_prints_the_password_once() {
    let data_dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(data_dir.path(), None, &[]);
    let line = server.wait_for_log("first start");
    assert!(line.contains("owner@streamgate.local"), "{line}");
    let password = line
        .split("password=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .trim_matches('"')
        .to_owned();
    assert!(
        password.len() == 20 && password.chars().all(|c| c.is_ascii_alphanumeric()),
        "{line}"
    );
    let token = v1_token(&server, "owner@streamgate.local", &password);
    let me = me_with_token(&server, &token);
    assert_eq!(
        jwt::dashboard_claims(&token)["sub"],
        format!("user:{}", me["data"]["userId"].as_str().unwrap())
    );
    assert_eq!(
        (me["data"]["role"].as_str(), me["data"]["via"].as_str()),
        (Some("owner"), Some("user_jwt"))
    );
    drop(server);

    // A restart finds the owner and prints nothing new.
    let again = Server::start_with(data_dir.path(), None, &[]);
    std::thread::sleep(Duration::from_millis(200));
    assert!(!logged_first_start(&again));
}

#[test]
fn v1_resolves_api_tokens_then_jwts_then_the_cookie() {
    let data_dir = tempfile::tempdir().unwrap();
    let owner = create_owner(data_dir.path(), None);
    let server = Server::start(data_dir.path(), None);
    let me_url = server.app_url("/api/v1/auth/me");
    seed_001_error(&get(&me_url, &[]), 401, "Authentication required");
    seed_001_error(
        &get(&me_url, &[("authorization", "Bearer sk_live_0123456789")]),
        401,
        "Invalid or revoked API token",
    );
    seed_001_error(
        &get(&me_url, &[("authorization", "Bearer not.a.jwt")]),
        401,
        "Invalid or expired token",
    );

    let token = v1_token(&server, OWNER_EMAIL, OWNER_PASSWORD);
    assert_eq!(jwt::dashboard_claims(&token)["sub"], subject_of(&owner));
    let me = me_with_token(&server, &token);
    assert_eq!(
        (me["data"]["role"].as_str(), me["data"]["via"].as_str()),
        (Some("owner"), Some("user_jwt"))
    );

    // A bearer credential is decisive: a bad one is refused even next to a good cookie.
    let login = post_json(
        &server.app_url("/api/admin/login"),
        &[],
        json!({ "email": OWNER_EMAIL, "password": OWNER_PASSWORD }),
    );
    let cookie = cookie_header(&login);
    seed_001_error(
        &get(
            &me_url,
            &[("authorization", "Bearer sk_nope"), ("cookie", &cookie)],
        ),
        401,
        "Invalid or revoked API token",
    );
    assert_eq!(
        get(&me_url, &[("cookie", &cookie)]).json()["data"]["via"],
        "session"
    );

    // A signature that does not match (last character changed) is refused.
    let mut forged = token.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    seed_001_error(
        &get(&me_url, &[("authorization", &format!("Bearer {forged}"))]),
        401,
        "Invalid or expired token",
    );

    seed_001_error(
        &post_json(
            &server.app_url("/api/v1/auth/login"),
            &[],
            json!({ "email": OWNER_EMAIL, "password": "nope nope" }),
        ),
        401,
        "Invalid email or password",
    );
    let malformed = post_json(
        &server.app_url("/api/v1/auth/login"),
        &[],
        json!({ "password": "x" }),
    );
    seed_001_error(
        &malformed,
        400,
        "Failed to deserialize the JSON body into the target type: missing field `email` at \
         line 1 column 16",
    );
}

#[test]
fn members_are_managed_over_the_api_and_roles_are_enforced() {
    let data_dir = tempfile::tempdir().unwrap();
    let owner = create_owner(data_dir.path(), None);
    let server = Server::start(data_dir.path(), None);
    let owner_auth = format!("Bearer {}", v1_token(&server, OWNER_EMAIL, OWNER_PASSWORD));
    let owner_auth = [("authorization", owner_auth.as_str())];

    let created = post_json(
        &server.app_url("/api/v1/users"),
        &owner_auth,
        json!({ "email": "Editor@Acme.test", "password": "editor password", "role": "editor" }),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let editor = created.json()["data"].clone();
    assert_eq!(
        (editor["email"].as_str(), editor["role"].as_str()),
        (Some("editor@acme.test"), Some("editor"))
    );
    assert_eq!(editor["accountId"], owner["accountId"]);

    let duplicate = post_json(
        &server.app_url("/api/v1/users"),
        &owner_auth,
        json!({ "email": "editor@acme.test", "password": "editor password", "role": "viewer" }),
    );
    seed_001_error(&duplicate, 409, "a user with this email already exists");

    let editor_token = v1_token(&server, "editor@acme.test", "editor password");
    assert_eq!(
        jwt::dashboard_claims(&editor_token)["sub"],
        subject_of(&editor)
    );
    let editor_auth = format!("Bearer {editor_token}");
    let editor_auth = [("authorization", editor_auth.as_str())];
    seed_001_error(
        &get(&server.app_url("/api/v1/users"), &editor_auth),
        403,
        "Missing permission users:read",
    );
    seed_001_error(
        &get(&server.app_url("/api/v1/audit"), &editor_auth),
        403,
        "Missing permission audit:read",
    );
    // Editors still read events.
    assert_eq!(
        request(
            "POST",
            &server.app_url("/_rpc/events/list"),
            &editor_auth,
            Body::Form(&[])
        )
        .status,
        200
    );

    let listed = get(&server.app_url("/api/v1/users"), &owner_auth).json();
    assert_eq!(listed["data"].as_array().unwrap().len(), 2);
    let unknown = request(
        "PATCH",
        &server.app_url(&format!("/api/v1/users/{}", uuid::Uuid::new_v4())),
        &owner_auth,
        Body::Json(json!({ "role": "viewer" })),
    );
    seed_001_error(&unknown, 404, "User not found");
    let not_an_id = request(
        "PATCH",
        &server.app_url("/api/v1/users/42"),
        &owner_auth,
        Body::Json(json!({ "role": "viewer" })),
    );
    seed_001_error(&not_an_id, 400, "The id in the path must be a UUID");
    seed_001_error(
        &get(&server.app_url("/api/v1/no-such-route"), &owner_auth),
        404,
        "Cannot find this route",
    );

    // Deactivating the editor voids the token they hold at once.
    let editor_url = server.app_url(&format!(
        "/api/v1/users/{}",
        editor["userId"].as_str().unwrap()
    ));
    let changed = request(
        "PATCH",
        &editor_url,
        &owner_auth,
        Body::Json(json!({ "role": "viewer", "isActive": false })),
    );
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(
        (
            changed.json()["data"]["role"].as_str(),
            changed.json()["data"]["isActive"].as_bool()
        ),
        (Some("viewer"), Some(false))
    );
    seed_001_error(
        &get(&server.app_url("/api/v1/auth/me"), &editor_auth),
        401,
        "Credential is no longer valid",
    );

    let audit = get(&server.app_url("/api/v1/audit"), &owner_auth).json();
    let actions = common::texts(&audit["data"], "action");
    assert_eq!(
        &actions[..3],
        ["user.deactivated", "user.role_changed", "sign_in.succeeded"],
        "{audit}"
    );
    assert!(actions.contains(&"user.created"));
}

#[test]
fn cross_origin_writes_with_the_cookie_are_refused() {
    let data_dir = tempfile::tempdir().unwrap();
    let server = Server::start(data_dir.path(), None);
    let own_origin = format!("http://{}", server.app);
    let login_url = server.app_url("/api/admin/login");
    let body = json!({ "password": ADMIN_PASS });

    // Login CSRF: a foreign page cannot sign a browser in.
    let cross_origin = (403, json!({ "error": "Cross-origin request refused" }));
    let foreign = post_json(&login_url, &[("origin", "http://evil.test")], body.clone());
    assert_eq!(foreign.answer(), cross_origin);
    assert!(foreign.session_cookie().is_none());

    let login = post_json(&login_url, &[("origin", &own_origin)], body);
    assert_eq!(login.answer(), (200, json!({ "success": true })));
    let cookie = cookie_header(&login);
    let session_url = server.app_url("/api/admin/session");

    let logout_url = server.app_url("/api/admin/logout");
    for attack in [
        vec![("cookie", cookie.as_str()), ("origin", "http://evil.test")],
        vec![("cookie", cookie.as_str()), ("origin", "null")],
        vec![
            ("cookie", cookie.as_str()),
            ("referer", "https://evil.test/trap.html"),
        ],
    ] {
        let refused = request("POST", &logout_url, &attack, Body::Empty);
        assert_eq!(refused.answer(), cross_origin, "{attack:?}");
        assert_eq!(
            get(&session_url, &[("cookie", &cookie)]).json()["authenticated"],
            true
        );
    }
    let rpc = request(
        "POST",
        &server.app_url("/_rpc/users/add"),
        &[("cookie", cookie.as_str()), ("origin", "http://evil.test")],
        Body::Form(&[
            ("email", "x@evil.test"),
            ("password", "12345678"),
            ("role", "owner"),
        ]),
    );
    assert_eq!(rpc.answer(), cross_origin);
    let v1 = request(
        "POST",
        &server.app_url("/api/v1/users"),
        &[("cookie", cookie.as_str()), ("origin", "http://evil.test")],
        Body::Json(json!({})),
    );
    seed_001_error(&v1, 403, "Cross-origin request refused");

    // The same request from our own pages goes through.
    let logout = request(
        "POST",
        &logout_url,
        &[("cookie", cookie.as_str()), ("origin", &own_origin)],
        Body::Empty,
    );
    assert_eq!(
        (logout.status, logout.json()),
        (200, json!({ "success": true }))
    );
}

#[test]
fn idle_sessions_expire_on_the_server_and_activity_keeps_them_alive() {
    on_both_databases(|database_url| {
        let data_dir = tempfile::tempdir().unwrap();
        let server = Server::start_with_admin(
            data_dir.path(),
            database_url,
            &[("STREAMGATE_SESSION_IDLE_SECONDS", "3")],
        );
        let login = post_json(
            &server.app_url("/api/admin/login"),
            &[],
            json!({ "password": ADMIN_PASS }),
        );
        let (cookie, attributes) = login.session_cookie().unwrap();
        assert_eq!(attributes, cookie_attributes(3));
        let session_url = server.app_url("/api/admin/session");
        let with_cookie = [("cookie", cookie.as_str())];
        // Activity keeps it alive past the first three seconds...
        for _ in 0..4 {
            std::thread::sleep(Duration::from_millis(1000));
            assert_eq!(
                get(&session_url, &with_cookie).json()["authenticated"],
                true
            );
        }
        // ...and idleness ends it, on the server (a replayed cookie does not help).
        std::thread::sleep(Duration::from_millis(4500));
        assert_eq!(
            get(&session_url, &with_cookie).json()["authenticated"],
            false
        );
    });
}

#[test]
fn dashboard_pages_need_a_session_and_the_form_signs_in() {
    let data_dir = tempfile::tempdir().unwrap();
    create_owner(data_dir.path(), None);
    let server = Server::start(data_dir.path(), None);
    for (path, next) in [
        ("/admin", "%2Fadmin"),
        ("/admin/users?account=x", "%2Fadmin%2Fusers%3Faccount%3Dx"),
    ] {
        let reply = get(&server.app_url(path), &[]);
        assert_eq!(reply.status, 303, "{path}");
        assert_eq!(
            reply.header("location"),
            Some(format!("/admin/login?next={next}").as_str())
        );
    }
    let page = get(&server.app_url("/admin/login?next=%2Fadmin%2Fusers"), &[]);
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(r#"action="/admin/login""#),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(r#"value="/admin/users""#),
        "{}",
        page.body
    );

    let wrong = form_login(&server, "wrong", "/admin/users");
    assert_eq!(
        (wrong.status, wrong.header("location")),
        (
            303,
            Some("/admin/login?error=invalid&next=%2Fadmin%2Fusers")
        )
    );
    assert!(get(&server.app_url("/admin/login?error=invalid"), &[])
        .body
        .contains("Wrong email or password."));

    let right = form_login(&server, OWNER_PASSWORD, "https://evil.test/");
    assert_eq!(
        (right.status, right.header("location")),
        (303, Some("/admin")),
        "no open redirect"
    );
    let cookie = cookie_header(&right);
    assert_eq!(
        get(&server.app_url("/admin"), &[("cookie", &cookie)]).status,
        200
    );

    let out = request(
        "POST",
        &server.app_url("/admin/logout"),
        &[("cookie", &cookie)],
        Body::Form(&[]),
    );
    assert_eq!(
        (out.status, out.header("location")),
        (303, Some("/admin/login"))
    );
    assert_eq!(
        get(&server.app_url("/admin"), &[("cookie", &cookie)]).status,
        303
    );
}

#[test]
fn admin_create_refuses_bad_input_clearly() {
    let data_dir = tempfile::tempdir().unwrap();
    let create =
        |email, role| admin_create(data_dir.path(), None, email, "long enough", Some(role));
    fails_saying(
        create("someone@acme.test", "editor"),
        "first user of a new account must be its owner",
    );

    let owner = create_owner(data_dir.path(), None);
    let viewer = run_json(create("viewer@acme.test", "viewer"));
    assert_eq!(
        (&viewer["email"], &viewer["role"], &viewer["accountId"]),
        (
            &json!("viewer@acme.test"),
            &json!("viewer"),
            &owner["accountId"]
        )
    );

    fails_saying(create("x@acme.test", "boss"), "is not a role");
}

#[test]
fn behind_https_the_cookie_is_secure_and_only_the_public_origin_may_write() {
    let data_dir = tempfile::tempdir().unwrap();
    let server = Server::start_with_admin(
        data_dir.path(),
        None,
        &[("STREAMGATE_PUBLIC_URL", "https://live.example.test")],
    );
    let url = server.app_url("/api/admin/login");
    let body = json!({ "password": ADMIN_PASS });
    // Behind the proxy the Host is internal; only the public origin counts.
    let direct = post_json(
        &url,
        &[("origin", &format!("http://{}", server.app))],
        body.clone(),
    );
    assert_eq!(
        direct.answer(),
        (403, json!({ "error": "Cross-origin request refused" }))
    );
    let login = post_json(&url, &[("origin", "https://live.example.test")], body);
    assert_eq!(login.answer(), (200, json!({ "success": true })));
    let (_, attributes) = login.session_cookie().unwrap();
    assert_eq!(
        attributes,
        format!(
            " HttpOnly; SameSite=Strict; Secure; Path=/; Max-Age={}",
            8 * 3600
        )
    );
}
