//! `/api/v1/openapi.json` against the real server's routers, on SQLite and PostgreSQL: an
//! OpenAPI 3.1 document whose every operation is routed (and whose paths answer no method it
//! leaves out), with the security schemes and error bodies the doors really send; and Swagger
//! UI at `/api/v1/docs`, loaded wholly from this server.

mod common;

use std::collections::BTreeSet;

use common::{
    admin::v1_bearer, get, on_both_databases, request, Body, Server, ADMIN_PASS, ADMIN_USER,
};
use serde_json::{json, Value};

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

fn document(server: &Server) -> Value {
    let reply = get(&server.app_url("/api/v1/openapi.json"), &[]);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    reply.json()
}

/// Every `(METHOD, path)` the document describes.
fn operations(document: &Value) -> BTreeSet<(String, String)> {
    let paths = document["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            let item = item.as_object().expect("a path item");
            item.keys()
                .filter(|key| METHODS.contains(&key.to_uppercase().as_str()))
                .map(move |method| (method.to_uppercase(), path.clone()))
        })
        .collect()
}

/// A concrete URL path for a documented one: a fresh UUID for `{id}`, the first value a
/// parameter allows otherwise.
fn concrete(document: &Value, method: &str, path: &str) -> String {
    let operation = &document["paths"][path][method.to_lowercase()];
    let parameters = operation["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut concrete = path.to_owned();
    for parameter in parameters.iter().filter(|p| p["in"] == "path") {
        let name = parameter["name"].as_str().unwrap();
        let value = match (name, parameter["schema"]["enum"].get(0)) {
            (_, Some(first)) => first.as_str().unwrap().to_owned(),
            ("file", None) => "index.css".to_owned(),
            _ => uuid::Uuid::new_v4().to_string(),
        };
        concrete = concrete.replace(&format!("{{{name}}}"), &value);
    }
    assert!(!concrete.contains('{'), "{path}: an undocumented parameter");
    concrete
}

/// What a path no route answers gets, under each door's root: its fallback.
fn fallbacks(server: &Server) -> Vec<(&'static str, (u16, String))> {
    ["/api/v1/", "/api/admin/", "/api/"]
        .into_iter()
        .map(|root| {
            let reply = get(&server.app_url(&format!("{root}no-such-route")), &[]);
            (root, (reply.status, reply.body))
        })
        .collect()
}

#[test]
fn every_documented_operation_is_routed_and_its_path_refuses_every_other_method() {
    on_both_databases(|database_url| {
        let dir = tempfile::tempdir().unwrap();
        let server = Server::start(dir.path(), database_url);
        let document = document(&server);
        let documented = operations(&document);
        let fallbacks = fallbacks(&server);
        assert_eq!(fallbacks[0].1 .0, 404, "{fallbacks:?}");
        for (method, path) in &documented {
            let url = server.app_url(&concrete(&document, method, path));
            let reply = request(method, &url, &[], Body::Empty);
            let (_, fallback) = fallbacks
                .iter()
                .find(|(root, _)| path.starts_with(root))
                .unwrap();
            assert_ne!(
                reply.status, 405,
                "{method} {path} is documented but not routed"
            );
            assert_ne!(
                &(reply.status, reply.body.clone()),
                fallback,
                "{method} {path} is documented but answered by the fallback"
            );
            for other in METHODS.iter().filter(|other| **other != method) {
                if documented.contains(&(other.to_string(), path.clone())) {
                    continue;
                }
                let reply = request(other, &url, &[], Body::Empty);
                assert_eq!(
                    reply.status, 405,
                    "{other} {path} is routed but not documented"
                );
            }
        }
        // Both doors' event routes, under their own names for codes.
        for (method, path) in [
            ("POST", "/api/v1/events/{id}/codes"),
            ("POST", "/api/admin/events/{id}/tokens"),
            ("PATCH", "/api/v1/codes/{id}/revoke"),
            ("PATCH", "/api/admin/tokens/{id}/revoke"),
            ("GET", "/api/events/{id}/status"),
            ("GET", "/api/revocations"),
            ("POST", "/api/admin/login"),
            ("GET", "/api/v1/docs"),
        ] {
            let operation = (method.to_owned(), path.to_owned());
            assert!(documented.contains(&operation), "{method} {path} missing");
        }
    });
}

#[test]
fn the_document_is_openapi_3_1_with_the_three_credentials_and_each_doors_error_body() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), None);
    let document = document(&server);
    assert_eq!(document["openapi"], "3.1.0");
    let schemes = &document["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["type"], "http");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(
        (&schemes["session"]["type"], &schemes["session"]["in"]),
        (&json!("apiKey"), &json!("cookie"))
    );
    assert_eq!(schemes["session"]["name"], "streamgate_session");
    assert_eq!(
        (
            &schemes["internalApiKey"]["in"],
            &schemes["internalApiKey"]["name"]
        ),
        (&json!("header"), &json!("X-Internal-Api-Key"))
    );
    // Every credential an operation asks for is a scheme above; every operation id is unique.
    let mut ids = BTreeSet::new();
    for (method, path) in operations(&document) {
        let operation = &document["paths"][&path][method.to_lowercase()];
        let id = operation["operationId"].as_str().unwrap().to_owned();
        assert!(ids.insert(id.clone()), "operation id {id} twice");
        for requirement in operation["security"].as_array().into_iter().flatten() {
            for name in requirement.as_object().unwrap().keys() {
                assert!(
                    schemes.get(name).is_some(),
                    "{method} {path}: no scheme {name}"
                );
            }
        }
    }
    let security = |path: &str, method: &str| document["paths"][path][method]["security"].clone();
    assert_eq!(
        security("/api/v1/events/{id}", "get"),
        json!([{ "bearer": [] }, { "session": [] }])
    );
    assert_eq!(
        security("/api/admin/events/{id}", "get"),
        json!([{ "session": [] }])
    );
    assert_eq!(
        security("/api/revocations", "get"),
        json!([{ "internalApiKey": [] }])
    );
    assert_refs_resolve(&document, &document);

    // The error bodies as documented are what the doors send.
    let error_schema = |path: &str| {
        let response = &document["paths"][path]["get"]["responses"]["401"];
        let schema = &response["content"]["application/json"]["schema"]["$ref"];
        let name = schema
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        document["components"]["schemas"][name].clone()
    };
    for (path, concrete) in [
        (
            "/api/v1/events/{id}",
            "/api/v1/events/00000000-0000-0000-0000-000000000000",
        ),
        (
            "/api/admin/events/{id}",
            "/api/admin/events/00000000-0000-0000-0000-000000000000",
        ),
        (
            "/api/revocations",
            "/api/revocations?since=2025-01-01T00:00:00.000Z",
        ),
    ] {
        let schema = error_schema(path);
        let reply = get(&server.app_url(concrete), &[]);
        assert_eq!(reply.status, 401);
        let body = reply.json();
        let sent: BTreeSet<&String> = body.as_object().unwrap().keys().collect();
        let documented: BTreeSet<&String> =
            schema["properties"].as_object().unwrap().keys().collect();
        assert_eq!(sent, documented, "{path}: {body} against {schema}");
    }
    // Seed 001's successes are in the `{data, error: null}` envelope.
    let me = &document["paths"]["/api/v1/auth/me"]["get"]["responses"]["200"];
    let envelope = me["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .unwrap();
    let envelope = &document["components"]["schemas"][envelope.rsplit('/').next().unwrap()];
    assert_eq!(
        envelope["properties"]["data"]["properties"]["isSuperadmin"]["type"],
        "boolean"
    );
}

/// Every `$ref` in `value` names a schema of the document.
fn assert_refs_resolve(document: &Value, value: &Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                let name = target.strip_prefix("#/components/schemas/").unwrap();
                let schema = &document["components"]["schemas"][name];
                assert!(schema.is_object(), "{target} does not resolve");
            }
            map.values()
                .for_each(|inner| assert_refs_resolve(document, inner));
        }
        Value::Array(items) => items
            .iter()
            .for_each(|inner| assert_refs_resolve(document, inner)),
        _ => {}
    }
}

#[test]
fn swagger_ui_loads_only_from_this_server_and_tries_calls_with_a_pasted_bearer_token() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), None);
    let page = get(&server.app_url("/api/v1/docs"), &[]);
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(
        page.body.contains("<base href=\"/api/v1/docs/\">"),
        "{}",
        page.body
    );
    let mut references = attribute_values(&page.body, &["src", "href"]);
    references.retain(|reference| reference != "/api/v1/docs/"); // the base itself
    assert!(references.len() >= 5, "{references:?}");
    for reference in &references {
        assert!(
            !reference.contains("//") && !reference.contains(':'),
            "the page loads {reference} from elsewhere"
        );
        let path = format!("/api/v1/docs/{}", reference.trim_start_matches("./"));
        let asset = get(&server.app_url(&path), &[]);
        assert_eq!(asset.status, 200, "{path}");
        assert!(!asset.bytes.is_empty(), "{path}");
    }
    // The initializer reads our document, keeps a pasted token and sends nothing to a validator.
    let initializer = get(&server.app_url("/api/v1/docs/swagger-initializer.js"), &[]);
    assert_eq!(initializer.status, 200);
    let script = initializer.body.replace(' ', "");
    for expected in [
        "\"url\":\"/api/v1/openapi.json\"",
        "\"persistAuthorization\":true",
        "\"validatorUrl\":\"none\"",
    ] {
        assert!(script.contains(expected), "{expected} not in {script}");
    }
    assert!(
        !script.contains("http://") && !script.contains("https://"),
        "{script}"
    );
    assert_eq!(
        get(&server.app_url("/api/v1/docs/no-such-file.js"), &[]).status,
        404
    );

    // "Try it out" sends a pasted token as `Authorization: Bearer …`, which the API takes.
    let bearer = v1_bearer(&server, ADMIN_USER, ADMIN_PASS);
    let me = get(
        &server.app_url("/api/v1/auth/me"),
        &[("authorization", &bearer)],
    );
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.json()["data"]["isSuperadmin"], true);
}

/// The values of the named attributes in `html`, as written.
fn attribute_values(html: &str, names: &[&str]) -> Vec<String> {
    let mut values = Vec::new();
    for name in names {
        let marker = format!(" {name}=\"");
        let mut rest = html;
        while let Some(start) = rest.find(&marker) {
            rest = &rest[start + marker.len()..];
            let end = rest.find('"').unwrap();
            values.push(rest[..end].to_owned());
            rest = &rest[end..];
        }
    }
    values
}
