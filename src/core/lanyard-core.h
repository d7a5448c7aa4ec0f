/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Everything a caller of the core library needs. */

#include "lanyard-access-policy.h"
#include "lanyard-access-rule.h"
#include "lanyard-audit-event.h"
#include "lanyard-csv.h"
#include "lanyard-demo.h"
#include "lanyard-door.h"
#include "lanyard-enums.h"
#include "lanyard-error.h"
#include "lanyard-facility.h"
#include "lanyard-grant.h"
#include "lanyard-import.h"
#include "lanyard-json.h"
#include "lanyard-people-query.h"
#include "lanyard-person.h"
#include "lanyard-phone.h"
#include "lanyard-schedule.h"
#include "lanyard-scope.h"
#include "lanyard-sqlite-store.h"
#include "lanyard-store.h"
#include "lanyard-text.h"
#include "lanyard-types.h"
