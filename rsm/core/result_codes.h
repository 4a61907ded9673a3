// SPDX-License-Identifier: BSD-3-Clause
// The one place a transport Result becomes an RSMAPI return code: one table
// per kind of call, as Solaris reported the same condition from that call
// (its man pages, and the check order noted beside each table). Each
// failure logs the call kind and the transport's reason (rsm.core, debug).
#ifndef RSM_CORE_RESULT_CODES_H_
#define RSM_CORE_RESULT_CODES_H_

#include "rsm/core/rsm_status.h"
#include "transport/result.h"

namespace rsm::core {

// rsm_memseg_import_connect.
RsmStatus ConnectStatus(transport::Result result);
// put/get and their 8..64-bit and vector forms. A lost exporter is
// RSMERR_CONN_ABORTED here: the connection is over, as after a revoke.
RsmStatus AccessStatus(transport::Result result);
// publish, republish, unpublish, rebind.
RsmStatus ExportStatus(transport::Result result);
// rsm_memseg_import_close_barrier, once the connection is known to be up.
RsmStatus BarrierStatus(transport::Result result);
// rsm_intr_signal_post, from either side.
RsmStatus SignalPostStatus(transport::Result result);

}  // namespace rsm::core

#endif  // RSM_CORE_RESULT_CODES_H_
