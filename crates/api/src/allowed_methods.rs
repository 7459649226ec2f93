//! Which methods each path answers, read from the OpenAPI document: a known path asked with
//! another method gets 405 with `Allow` (RFC 9110), an unknown path 404.

use actix_web::http::Method;
use utoipa::openapi::OpenApi;

/// The documented path templates, split into segments, with the methods each answers.
#[derive(Debug, Default)]
pub struct AllowedMethods(Vec<(Vec<String>, Vec<Method>)>);

impl AllowedMethods {
    pub fn of(document: &OpenApi) -> Self {
        let rows = document
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let methods = [
                    (Method::GET, item.get.is_some()),
                    (Method::HEAD, item.head.is_some()),
                    (Method::POST, item.post.is_some()),
                    (Method::PUT, item.put.is_some()),
                    (Method::PATCH, item.patch.is_some()),
                    (Method::DELETE, item.delete.is_some()),
                    (Method::OPTIONS, item.options.is_some()),
                ]
                .into_iter()
                .filter_map(|(method, answered)| answered.then_some(method))
                .collect();
                (template.split('/').map(str::to_owned).collect(), methods)
            })
            .collect();
        AllowedMethods(rows)
    }

    /// The methods `path` answers, in a stable order; empty when no documented path matches.
    /// The most literal templates win: `/service-areas/load` is its own path, not an `{id}`
    /// of `/service-areas/{id}`.
    pub fn for_path(&self, path: &str) -> Vec<Method> {
        let segments: Vec<&str> = path.split('/').collect();
        let parameters_matched = |template: &[String]| {
            let matches = template.len() == segments.len()
                && template.iter().zip(&segments).all(|(expected, given)| {
                    expected == given || (expected.starts_with('{') && !given.is_empty())
                });
            matches.then(|| template.iter().filter(|s| s.starts_with('{')).count())
        };
        let matched: Vec<(usize, &Vec<Method>)> = self
            .0
            .iter()
            .filter_map(|(template, methods)| Some((parameters_matched(template)?, methods)))
            .collect();
        let fewest = matched.iter().map(|(parameters, _)| *parameters).min();
        let mut allowed: Vec<Method> = matched
            .into_iter()
            .filter(|(parameters, _)| Some(*parameters) == fewest)
            .flat_map(|(_, methods)| methods.iter().cloned())
            .collect();
        allowed.sort_by_key(|method| method.as_str().to_owned());
        allowed.dedup();
        allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> AllowedMethods {
        AllowedMethods::of(&crate::openapi::document())
    }

    #[test]
    fn a_documented_path_lists_its_methods() {
        let table = table();
        assert_eq!(
            table.for_path("/api/v1/customers"),
            [Method::GET, Method::POST]
        );
        let one = table.for_path("/api/v1/customers/0190f0a2-0000-7000-8000-000000000000");
        assert!(
            one.contains(&Method::GET) && one.contains(&Method::PATCH),
            "{one:?}"
        );
        assert!(!one.contains(&Method::POST), "{one:?}");
    }

    #[test]
    fn a_literal_path_is_not_a_parameter_of_another() {
        assert_eq!(
            table().for_path("/api/v1/service-areas/load"),
            [Method::GET]
        );
    }

    #[test]
    fn an_unknown_path_answers_nothing() {
        let table = table();
        assert!(table.for_path("/api/v1/nothing-here").is_empty());
        assert!(table.for_path("/api/v1/customers/").is_empty());
        assert!(table.for_path("/api/v1/customers/a/b/c/d").is_empty());
    }
}
