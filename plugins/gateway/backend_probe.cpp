// The team tier's reachability probes as GatewayDeps exposes them (deps.hpp).
#include "deps.hpp"
#include "team_storage.hpp"

namespace mosaic::gateway {

std::vector<BackendHealth> probe_team_backends(const GatewaySettings& settings, std::chrono::milliseconds timeout) {
    return {probe_postgres(settings.database_url, timeout), probe_valkey(settings.valkey_url, timeout)};
}

std::vector<BackendHealth> probe_backends(GatewayDeps& deps, const GatewaySettings& settings) {
    return deps.probe_backends ? deps.probe_backends(settings) : probe_team_backends(settings);
}

}  // namespace mosaic::gateway
