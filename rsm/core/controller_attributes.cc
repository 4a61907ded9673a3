// SPDX-License-Identifier: BSD-3-Clause
#include "rsm/core/controller_attributes.h"

#include <unistd.h>

namespace rsm::core {
namespace {

size_t SystemPageSize() { return static_cast<size_t>(sysconf(_SC_PAGESIZE)); }

}  // namespace

rsmapi_controller_attr_t LoopbackAttributes() {
  rsmapi_controller_attr_t attributes{};
  attributes.attr_page_size = SystemPageSize();
  return attributes;
}

rsmapi_controller_attr_t DpdkControllerAttributes() {
  rsmapi_controller_attr_t attributes{};
  attributes.attr_page_size = SystemPageSize();
  attributes.attr_max_export_segment_size = kMaxExportSegmentSize;
  // Exported memory is the application's; the machine's memory bounds it.
  attributes.attr_tot_export_segment_size =
      static_cast<size_t>(sysconf(_SC_PHYS_PAGES)) * SystemPageSize();
  attributes.attr_max_export_segments = kMaxSegments;
  attributes.attr_max_import_segments = kMaxSegments;
  return attributes;
}

}  // namespace rsm::core
