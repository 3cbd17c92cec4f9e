//! Which emulated route a method and path name. Only the shape of the path matters here; the values
//! of `groupId`, `cloudProvider` and `endpointId` are validated later, after authentication. HEAD
//! names the same operation as GET (the server sends its answer without the body), as the Atlas
//! docs list HEAD among the methods resources support.

use crate::errors::ApiError;
use crate::faults::kinds::Route;

pub(crate) const TOKEN_PATH: &str = "/api/oauth/token";
const GROUPS_PREFIX: &str = "/api/atlas/v2/groups/";

/// A matched route.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Target<'a> {
    Token,
    Endpoints(EndpointsTarget<'a>),
    Project(ProjectTarget<'a>),
}

/// The operations on a project's own resources that the endpoint work needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ProjectOperation {
    GetEncryption,
    UpdateEncryption,
    ListClusters,
}

impl ProjectOperation {
    /// The fault route that aims at this operation.
    pub fn fault_route(self) -> Route {
        match self {
            ProjectOperation::GetEncryption => Route::GetEncryptionAtRest,
            ProjectOperation::UpdateEncryption => Route::UpdateEncryptionAtRest,
            ProjectOperation::ListClusters => Route::ListClusters,
        }
    }
}

/// `GET`/`PATCH .../encryptionAtRest` or `GET .../clusters`, with the raw `groupId`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ProjectTarget<'a> {
    pub operation: ProjectOperation,
    pub group_id: &'a str,
}

/// The four operations of the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Operation {
    List,
    Create,
    Get,
    Delete,
}

impl Operation {
    /// The fault route that aims at this operation.
    pub fn fault_route(self) -> Route {
        match self {
            Operation::List => Route::List,
            Operation::Create => Route::Create,
            Operation::Get => Route::Get,
            Operation::Delete => Route::Delete,
        }
    }
}

/// One of the four operations, with its raw path values.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct EndpointsTarget<'a> {
    pub operation: Operation,
    pub group_id: &'a str,
    pub provider: &'a str,
    pub endpoint_id: Option<&'a str>,
}

/// A path that is not emulated (404), or a method the path does not take (405, with `Allow`).
#[derive(Debug)]
pub(crate) struct NoRoute {
    pub error: ApiError,
    pub allow: Option<&'static str>,
}

/// The `groupId` segment of a path under `/api/atlas/v2/groups/`, as sent (valid or not), for the
/// request log.
pub(crate) fn group_segment(path: &str) -> Option<&str> {
    let rest = path.strip_prefix(GROUPS_PREFIX)?;
    let group = rest.split('/').next().unwrap_or("");
    (!group.is_empty()).then_some(group)
}

pub(crate) fn match_route<'a>(method: &str, path: &'a str) -> Result<Target<'a>, NoRoute> {
    if path == TOKEN_PATH {
        return match method {
            "POST" => Ok(Target::Token),
            _ => Err(wrong_method(method, path, "POST")),
        };
    }
    let Some(rest) = path.strip_prefix(GROUPS_PREFIX) else {
        return Err(not_found(path));
    };
    let segments: Vec<&str> = rest.split('/').collect();
    match segments.as_slice() {
        [group_id, "encryptionAtRest"] => {
            let operation = match method {
                "GET" | "HEAD" => ProjectOperation::GetEncryption,
                "PATCH" => ProjectOperation::UpdateEncryption,
                _ => return Err(wrong_method(method, path, "GET, HEAD, PATCH")),
            };
            Ok(Target::Project(ProjectTarget {
                operation,
                group_id,
            }))
        }
        [group_id, "clusters"] => match method {
            "GET" | "HEAD" => Ok(Target::Project(ProjectTarget {
                operation: ProjectOperation::ListClusters,
                group_id,
            })),
            _ => Err(wrong_method(method, path, "GET, HEAD")),
        },
        [group_id, "encryptionAtRest", provider, "privateEndpoints"] => {
            let operation = match method {
                "GET" | "HEAD" => Operation::List,
                "POST" => Operation::Create,
                _ => return Err(wrong_method(method, path, "GET, HEAD, POST")),
            };
            Ok(target(operation, group_id, provider, None))
        }
        [
            group_id,
            "encryptionAtRest",
            provider,
            "privateEndpoints",
            endpoint_id,
        ] if !endpoint_id.is_empty() => {
            let operation = match method {
                "GET" | "HEAD" => Operation::Get,
                "DELETE" => Operation::Delete,
                _ => return Err(wrong_method(method, path, "GET, HEAD, DELETE")),
            };
            Ok(target(operation, group_id, provider, Some(endpoint_id)))
        }
        _ => Err(not_found(path)),
    }
}

fn target<'a>(
    operation: Operation,
    group_id: &'a str,
    provider: &'a str,
    endpoint_id: Option<&'a str>,
) -> Target<'a> {
    Target::Endpoints(EndpointsTarget {
        operation,
        group_id,
        provider,
        endpoint_id,
    })
}

fn not_found(path: &str) -> NoRoute {
    NoRoute {
        error: ApiError::unknown_route(path),
        allow: None,
    }
}

fn wrong_method(method: &str, path: &str, allow: &'static str) -> NoRoute {
    let error = ApiError::new(
        405,
        "METHOD_NOT_ALLOWED",
        format!("Method {method} is not allowed for {path}; allowed: {allow}."),
    )
    .with_parameters(vec![serde_json::json!(method), serde_json::json!(path)]);
    NoRoute {
        error,
        allow: Some(allow),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "/api/atlas/v2/groups/g/encryptionAtRest/AWS/privateEndpoints";

    #[test]
    fn matches_the_four_operations_and_the_token_endpoint() {
        let Ok(Target::Endpoints(list)) = match_route("GET", LIST) else {
            panic!()
        };
        assert_eq!(
            (
                list.operation,
                list.group_id,
                list.provider,
                list.endpoint_id
            ),
            (Operation::List, "g", "AWS", None)
        );
        let item = format!("{LIST}/e");
        let Ok(Target::Endpoints(delete)) = match_route("DELETE", &item) else {
            panic!()
        };
        assert_eq!(
            (delete.operation, delete.endpoint_id),
            (Operation::Delete, Some("e"))
        );
        assert_eq!(match_route("POST", TOKEN_PATH).unwrap(), Target::Token);
    }

    #[test]
    fn group_segments() {
        assert_eq!(group_segment(LIST), Some("g"));
        assert_eq!(group_segment("/api/atlas/v2/groups/x"), Some("x"));
        assert_eq!(group_segment("/api/atlas/v2/groups/"), None);
        assert_eq!(group_segment(TOKEN_PATH), None);
    }

    #[test]
    fn unknown_paths_and_methods() {
        assert_eq!(
            match_route("GET", "/api/atlas/v2/groups")
                .unwrap_err()
                .error
                .status,
            404
        );
        assert_eq!(
            match_route("GET", &format!("{LIST}/"))
                .unwrap_err()
                .error
                .status,
            404
        );
        assert_eq!(
            match_route("GET", &format!("{LIST}/e/x"))
                .unwrap_err()
                .error
                .status,
            404
        );
        let wrong = match_route("PUT", LIST).unwrap_err();
        assert_eq!(
            (wrong.error.status, wrong.allow),
            (405, Some("GET, HEAD, POST"))
        );
        assert_eq!(
            match_route("PATCH", &format!("{LIST}/e"))
                .unwrap_err()
                .allow,
            Some("GET, HEAD, DELETE")
        );
        let item = format!("{LIST}/e");
        let Ok(Target::Endpoints(head)) = match_route("HEAD", &item) else {
            panic!()
        };
        assert_eq!(head.operation, Operation::Get);
        assert_eq!(
            match_route("GET", TOKEN_PATH).unwrap_err().error.status,
            405
        );
    }

    #[test]
    fn project_resources() {
        let ear = "/api/atlas/v2/groups/g/encryptionAtRest";
        let Ok(Target::Project(patch)) = match_route("PATCH", ear) else {
            panic!()
        };
        assert_eq!(
            (patch.operation, patch.group_id),
            (ProjectOperation::UpdateEncryption, "g")
        );
        assert_eq!(
            match_route("POST", ear).unwrap_err().allow,
            Some("GET, HEAD, PATCH")
        );
        let Ok(Target::Project(list)) = match_route("HEAD", "/api/atlas/v2/groups/g/clusters")
        else {
            panic!()
        };
        assert_eq!(list.operation, ProjectOperation::ListClusters);
        assert_eq!(
            match_route("POST", "/api/atlas/v2/groups/g/clusters")
                .unwrap_err()
                .allow,
            Some("GET, HEAD")
        );
    }
}
