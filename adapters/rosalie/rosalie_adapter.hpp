#pragma once
// Rosalie's transitional API v1.1 (/api/v1.1): families, requests and hotel
// bookings in Rosalie's own format, translated to and from API v2.
#include <memory>

#include "adapters/adapter.hpp"

namespace siao::adapters::rosalie {

std::unique_ptr<Adapter> make_rosalie_adapter();

}  // namespace siao::adapters::rosalie
