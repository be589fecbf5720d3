//! Producer side: load balancers, target groups, endpoint services with
//! their allowed principals and private DNS verification, and the public
//! DNS model.

mod connections;
mod dns;
mod endpoint_service;
mod listener;
mod loadbalancer;
mod notification;
mod principals;
mod target_group;
mod topics;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            loadbalancer::create_load_balancer,
            loadbalancer::list_load_balancers
        ))
        .routes(routes!(
            target_group::create_target_group,
            target_group::list_target_groups
        ))
        .routes(routes!(
            endpoint_service::create_endpoint_service,
            endpoint_service::list_endpoint_services
        ))
        .routes(routes!(
            loadbalancer::get_load_balancer,
            loadbalancer::update_load_balancer,
            loadbalancer::delete_load_balancer
        ))
        .routes(routes!(
            target_group::get_target_group,
            target_group::delete_target_group
        ))
        .routes(routes!(
            target_group::register_targets,
            target_group::deregister_targets
        ))
        .routes(routes!(target_group::set_target_health))
        .routes(routes!(listener::create_listener, listener::list_listeners))
        .routes(routes!(listener::get_listener, listener::delete_listener))
        .routes(routes!(
            endpoint_service::get_endpoint_service,
            endpoint_service::update_endpoint_service,
            endpoint_service::delete_endpoint_service
        ))
        .routes(routes!(
            principals::list_allowed_principals,
            principals::add_allowed_principals,
            principals::remove_allowed_principals
        ))
        .routes(routes!(endpoint_service::verify_private_dns))
        .routes(routes!(connections::list_connections))
        .routes(routes!(connections::accept_connections))
        .routes(routes!(connections::reject_connections))
        .routes(routes!(
            notification::create_notification,
            notification::list_notifications
        ))
        .routes(routes!(
            notification::delete_notification,
            notification::update_notification
        ))
        .routes(routes!(topics::create_topic, topics::list_topics))
        .routes(routes!(topics::get_topic, topics::delete_topic))
        .routes(routes!(dns::create_public_zone, dns::list_public_zones))
        .routes(routes!(dns::get_public_zone, dns::delete_public_zone))
        .routes(routes!(
            dns::put_public_record,
            dns::list_public_records,
            dns::delete_public_record
        ))
}
