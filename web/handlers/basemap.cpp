// GET /api/v1/map/basemap: the map's own light basemap (roads and estates), drawn under
// the grids when no tile layer is configured, so that the map is readable without the
// internet. The text is given at start (serve --basemap, or the demo's places file) and
// answered as it is, with an entity tag made once.
#include "dispatch/access.hpp"
#include "web/etag.hpp"
#include "web/handlers/maps.hpp"

namespace gridkeeper::web {

namespace {
constexpr std::string_view kEmpty = R"({"type":"FeatureCollection","features":[]})";
}

void MapHandlers::basemap(const CallPtr& call) {
  if (auto e = dispatch::check(call->actor(), dispatch::Permission::view_basemap)) return fail(call, *e);
  Response r;
  r.content_type = "application/geo+json";
  if (tag_answer(r, call->request, basemap_tag)) return respond(call, std::move(r));
  r.body = options.basemap_geojson.empty() ? std::string(kEmpty) : options.basemap_geojson;
  respond(call, std::move(r));
}

}  // namespace gridkeeper::web
