//! [`Op`]: one documented route for handlers generic over a door, which `#[utoipa::path]` cannot
//! describe once for all doors (the paths, bodies, errors and credentials differ). The door
//! says how it documents ([`DoorDoc`]); the operation says what it takes and answers; the
//! handler and its documentation are registered by the same [`Op::handler`] call.

use std::marker::PhantomData;

use axum::{handler::Handler, routing::MethodRouter};
use utoipa::{
    openapi::{
        path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, Paths},
        request_body::RequestBodyBuilder,
        schema::{ObjectBuilder, Schema, SchemaType, Type},
        security::SecurityRequirement,
        Content, Ref, RefOr, Required, ResponseBuilder,
    },
    IntoParams, ToSchema,
};
use utoipa_axum::{router::UtoipaMethodRouter, PathItemExt};

use crate::http::AppState;

/// How a door documents the operations it shares with another door.
pub trait DoorDoc {
    /// Prefixed to operation ids, which are unique across the document.
    const OPERATION_PREFIX: &'static str;
    /// The door's error body.
    type ErrorBody: ToSchema;

    /// The tag grouping an operation on `area` (`events`, `codes`).
    fn tag(area: &str) -> String;
    /// The credentials the door takes, any one of them.
    fn security() -> Vec<SecurityRequirement>;
    /// A success body carrying `data`.
    fn success(data: RefOr<Schema>) -> RefOr<Schema>;
}

type Schemas = Vec<(String, RefOr<Schema>)>;

/// A documented operation of door `D`, waiting for its handler.
pub struct Op<D> {
    method: HttpMethod,
    path: String,
    operation: OperationBuilder,
    schemas: Schemas,
    door: PhantomData<D>,
}

impl<D: DoorDoc> Op<D> {
    /// `method` on `path` (relative to the door's root), with its operation id, tag and
    /// summary. A `{id}` in the path is documented as a UUID.
    pub fn new(method: HttpMethod, path: &str, id: &str, area: &str, summary: &str) -> Self {
        let mut operation = OperationBuilder::new()
            .operation_id(Some(format!("{}{id}", D::OPERATION_PREFIX)))
            .tag(D::tag(area))
            .summary(Some(summary));
        for requirement in D::security() {
            operation = operation.security(requirement);
        }
        if path.contains("{id}") {
            let uuid = ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::String))
                .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                    utoipa::openapi::KnownFormat::Uuid,
                )));
            operation = operation.parameter(path_parameter("id").schema(Some(uuid)));
        }
        Op {
            method,
            path: path.to_owned(),
            operation,
            schemas: Vec::new(),
            door: PhantomData,
        }
    }

    /// A path parameter other than `{id}`, one of `values`.
    pub fn path_choice(mut self, name: &str, values: &[&str]) -> Self {
        let choice = ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .enum_values(Some(values.iter().copied()));
        self.operation = self
            .operation
            .parameter(path_parameter(name).schema(Some(choice)));
        self
    }

    /// Query parameters.
    pub fn query<P: IntoParams>(mut self) -> Self {
        self.operation = self
            .operation
            .parameters(Some(P::into_params(|| Some(ParameterIn::Query))));
        self
    }

    /// A JSON request body.
    pub fn body<B: ToSchema>(self) -> Self {
        let mut op = self.uses::<B>();
        let schema = reference::<B>();
        let body = RequestBodyBuilder::new()
            .required(Some(Required::True))
            .content("application/json", Content::new(Some(schema)))
            .build();
        op.operation = op.operation.request_body(Some(body));
        op
    }

    /// A success answering a `T`, in the door's success body.
    pub fn answers<T: ToSchema>(self, status: u16, description: &str) -> Self {
        self.uses::<T>()
            .answers_with(status, description, reference::<T>())
    }

    /// A success answering `data` (an inline schema), in the door's success body.
    pub fn answers_with(mut self, status: u16, description: &str, data: RefOr<Schema>) -> Self {
        let content = Content::new(Some(D::success(data)));
        let response = ResponseBuilder::new()
            .description(description)
            .content("application/json", content);
        self.operation = self.operation.response(status.to_string(), response);
        self
    }

    /// A success answering a CSV file.
    pub fn answers_csv(mut self, description: &str) -> Self {
        let text = ObjectBuilder::new().schema_type(SchemaType::Type(Type::String));
        let response = ResponseBuilder::new()
            .description(description)
            .content("text/csv", Content::new(Some(text)));
        self.operation = self.operation.response("200", response);
        self
    }

    /// Refusals, each in the door's error body.
    pub fn refuses(self, statuses: &[u16]) -> Self {
        let mut op = self.uses::<D::ErrorBody>();
        let body = reference::<D::ErrorBody>();
        for status in statuses {
            let description = axum::http::StatusCode::from_u16(*status)
                .ok()
                .and_then(|status| status.canonical_reason())
                .unwrap_or("Refused");
            let response = ResponseBuilder::new()
                .description(description)
                .content("application/json", Content::new(Some(body.clone())));
            op.operation = op.operation.response(status.to_string(), response);
        }
        op
    }

    /// The handler: routed and documented together.
    pub fn handler<H, T>(self, handler: H) -> UtoipaMethodRouter<AppState>
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let router = MethodRouter::new().on(self.method.to_method_filter(), handler);
        let mut paths = Paths::new();
        paths.add_path_operation(&self.path, vec![self.method], self.operation.build());
        (self.schemas, paths, router)
    }

    /// `T`'s schema (and those it refers to) in the document, for a [`reference`] to it.
    pub fn uses<T: ToSchema>(mut self) -> Self {
        self.schemas.push((T::name().into_owned(), T::schema()));
        T::schemas(&mut self.schemas);
        self
    }
}

/// A reference to `T`'s schema; the operation [`Op::uses`] it.
pub fn reference<T: ToSchema>() -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name(T::name()))
}

/// An array of `items`.
pub fn array(items: RefOr<Schema>) -> RefOr<Schema> {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(items)
        .into()
}

/// An object with `properties`, all required: a body the handler builds in place.
pub fn object(properties: &[(&str, RefOr<Schema>)]) -> RefOr<Schema> {
    let mut object = ObjectBuilder::new();
    for (name, schema) in properties {
        object = object.property(*name, schema.clone()).required(*name);
    }
    object.into()
}

pub fn integer() -> RefOr<Schema> {
    of_type(Type::Integer)
}

/// A schema of one JSON type, or `null`.
pub fn nullable(kind: Type) -> RefOr<Schema> {
    let kinds = SchemaType::from_iter([kind, Type::Null]);
    ObjectBuilder::new().schema_type(kinds).into()
}

/// A schema of one JSON type.
pub fn of_type(kind: Type) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(kind))
        .into()
}

fn path_parameter(name: &str) -> ParameterBuilder {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
}
