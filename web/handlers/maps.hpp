#pragma once
// The maps: the grids as GeoJSON (GET /api/v1/grids, with an optional bbox) and the
// overdue map (GET /api/v1/overdue-map: open, warned and overdue cases by grid, community
// or street, with or without the shapes).
#include "dispatch/center.hpp"
#include "web/handlers/group.hpp"
#include "web/map_layers.hpp"

namespace gridkeeper::web {

class MapHandlers : HandlerGroup {
 public:
  MapHandlers(Router& router, const ApiOptions& options, dispatch::Center& center);

  void grids(const CallPtr& call);
  void overdue_map(const CallPtr& call);
  // GET /api/v1/map/basemap (web/handlers/basemap.cpp).
  void basemap(const CallPtr& call);

 private:
  dispatch::Center& center;
  MapLayers layers;
  std::string basemap_tag;  // of options.basemap_geojson, made once
};

}  // namespace gridkeeper::web
