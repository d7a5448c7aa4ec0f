/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lanyard-core.h"

G_BEGIN_DECLS

/*
 * LanyardAddPersonDialog: a modal window that adds one person to a
 * facility. It checks every field as the user types by core's rules, looks
 * for a person who already has the phone or email, and offers to open that
 * person instead.
 *
 * Signals:
 *  - person-added (LanyardPerson *person): the person as stored; the
 *    dialog closes itself afterwards.
 *  - open-person (gint64 person_id): the user chose to open the existing
 *    person instead; the dialog closes itself afterwards.
 *
 * Invitations: the "Send invitation" switch can only be turned on when
 * the caller says mail can go out (can-send-invitations) and an email is
 * typed. The dialog records nothing about an invitation: a person-added
 * handler asks lanyard_add_person_dialog_get_send_invitation() and sends
 * it.
 */
#define LANYARD_TYPE_ADD_PERSON_DIALOG (lanyard_add_person_dialog_get_type ())

G_DECLARE_FINAL_TYPE (LanyardAddPersonDialog, lanyard_add_person_dialog, LANYARD, ADD_PERSON_DIALOG, AdwWindow)

LanyardAddPersonDialog *lanyard_add_person_dialog_new                      (GtkWindow              *parent,
                                                                            LanyardStore           *store,
                                                                            LanyardFacility        *facility);
gboolean                lanyard_add_person_dialog_get_can_send_invitations (LanyardAddPersonDialog *self);
void                    lanyard_add_person_dialog_set_can_send_invitations (LanyardAddPersonDialog *self,
                                                                            gboolean                can_send_invitations);
/* TRUE when the person was added with "Send invitation" switched on. */
gboolean                lanyard_add_person_dialog_get_send_invitation      (LanyardAddPersonDialog *self);

G_END_DECLS
