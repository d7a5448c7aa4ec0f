/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "lanyard-import-dialog.h"
#include "lanyard-ui-util.h"

/* How long checking or importing may take before a progress bar replaces the page. */
#define PROGRESS_DELAY_MS 300

/* Sample values under each column's header on the mapping page, and how long each may be. */
#define N_SAMPLES 3
#define SAMPLE_MAX_CHARS 24

/* The preview's status column: room for the start of a problem; the rest is in its tooltip. */
#define STATUS_COLUMN_WIDTH 280

/* The separators the separator row offers, in its order. */
static const char separators[] = { ',', ';', '\t' };

typedef enum {
  PAGE_FILE,
  PAGE_MAPPING,
  PAGE_WORKING,
  PAGE_PREVIEW,
  PAGE_RESULTS,
} Page;

static const char * const page_names[] = {
  [PAGE_FILE] = "file",
  [PAGE_MAPPING] = "mapping",
  [PAGE_WORKING] = "working",
  [PAGE_PREVIEW] = "preview",
  [PAGE_RESULTS] = "results",
};

/* What runs on a worker thread, if anything; one at a time. */
typedef enum {
  OPERATION_NONE,
  OPERATION_READ,
  OPERATION_CHECK,
  OPERATION_IMPORT,
} Operation;

struct _LanyardImportDialog
{
  AdwWindow             parent_instance;

  LanyardStore         *store;
  LanyardFacility      *facility;
  GCancellable         *cancellable;            /* everything; cancelled when the dialog goes */
  GCancellable         *operation_cancellable;  /* the read, check or import under way */
  GtkNativeDialog      *chooser;                /* the file chooser shown, if any */
  GtkWidget            *stop_dialog;            /* weak: "Stop the Import?", while it asks */
  GtkStringList        *field_labels;           /* "Do not import" and the fields, indexed by LanyardImportField */
  GMenu                *saved_mappings_menu;    /* the saved mappings' section of the menu */
  char                 *mappings_path;

  /* The file, as read */
  GFile                *file;
  char                 *file_name;
  GBytes               *bytes;                  /* kept to read again with another separator */
  LanyardCsvTable      *table;
  char                **headers;
  guint                 n_headers;
  GHashTable           *rows_by_line;           /* line → table row, for the preview */

  LanyardImportMapping *mapping;
  GPtrArray            *column_rows;            /* AdwComboRow for each column of the header */
  LanyardImportResult  *check_result;           /* the dry run the preview shows */
  LanyardImportResult  *result;                 /* the import */

  Page                  page;
  Operation             operation;
  guint                 progress_source;        /* the pause before the progress bar shows */

  guint                 updating : 1;           /* rows are set from the state: their signals are ours */
  guint                 mapping_ok : 1;
  guint                 closing : 1;
  guint                 stopping : 1;           /* the import is cancelled, and the dialog goes once it ends */
  guint                 can_send_invitations : 1;
  guint                 send_invitations : 1;   /* as chosen when Import was pressed */

  /* Template widgets */
  AdwWindowTitle       *window_title;
  GtkWidget            *back_button;
  GtkWidget            *cancel_button;
  GtkWidget            *next_button;
  GtkButton            *import_button;
  GtkWidget            *done_button;
  GtkSpinner           *busy_spinner;
  GtkRevealer          *error_revealer;
  AdwActionRow         *error_row;
  GtkStack             *stack;
  AdwStatusPage        *file_page;
  GtkWidget            *choose_file_button;
  GtkWidget            *mapping_page;
  GtkRevealer          *mapping_message_revealer;
  GtkLabel             *mapping_message_label;
  AdwActionRow         *file_row;
  AdwComboRow          *separator_row;
  GtkMenuButton        *saved_mappings_button;
  GtkListBox           *columns_list;
  AdwStatusPage        *working_page;
  GtkProgressBar       *progress_bar;
  GtkWidget            *preview_page;
  GtkLabel             *preview_import_count_label;
  GtkLabel             *preview_import_caption_label;
  GtkLabel             *preview_skip_count_label;
  GtkLabel             *preview_skip_caption_label;
  GtkLabel             *preview_error_count_label;
  GtkLabel             *preview_error_caption_label;
  AdwActionRow         *invitation_row;
  GtkSwitch            *invitation_switch;
  GtkLabel             *preview_hint_label;
  GtkScrolledWindow    *preview_scroller;
  AdwStatusPage        *results_page;
  GtkLabel             *imported_count_label;
  GtkLabel             *skipped_count_label;
  GtkLabel             *errors_count_label;
  GtkWidget            *not_imported_group;
  GtkWidget            *save_failed_button;
  GtkListBox           *not_imported_list;
  GtkLabel             *preview_detail_label;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_FACILITY,
  PROP_CAN_SEND_INVITATIONS,
  N_PROPS
};

enum {
  PEOPLE_IMPORTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LanyardImportDialog, lanyard_import_dialog, ADW_TYPE_WINDOW)

static void lanyard_import_dialog_update                (LanyardImportDialog *self);
static void lanyard_import_dialog_update_mappings_menu (LanyardImportDialog *self);

/*
 * LanyardImportPreviewItem: one row of the dry run, as the preview's
 * column view lists it, with the table row its cells come from.
 */
#define LANYARD_TYPE_IMPORT_PREVIEW_ITEM (lanyard_import_preview_item_get_type ())

G_DECLARE_FINAL_TYPE (LanyardImportPreviewItem, lanyard_import_preview_item, LANYARD, IMPORT_PREVIEW_ITEM, GObject)

struct _LanyardImportPreviewItem
{
  GObject              parent_instance;

  LanyardImportResult *result;
  LanyardCsvTable     *table;
  guint                index;       /* in the result */
  guint                table_row;
};

G_DEFINE_FINAL_TYPE (LanyardImportPreviewItem, lanyard_import_preview_item, G_TYPE_OBJECT)

static void
lanyard_import_preview_item_finalize (GObject *object)
{
  LanyardImportPreviewItem *self = LANYARD_IMPORT_PREVIEW_ITEM (object);

  g_clear_pointer (&self->result, lanyard_import_result_unref);
  g_clear_pointer (&self->table, lanyard_csv_table_unref);

  G_OBJECT_CLASS (lanyard_import_preview_item_parent_class)->finalize (object);
}

static void
lanyard_import_preview_item_class_init (LanyardImportPreviewItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lanyard_import_preview_item_finalize;
}

static void
lanyard_import_preview_item_init (LanyardImportPreviewItem *self)
{
}

static LanyardImportPreviewItem *
lanyard_import_preview_item_new (LanyardImportResult *result,
                                 LanyardCsvTable     *table,
                                 guint                index,
                                 guint                table_row)
{
  LanyardImportPreviewItem *self = g_object_new (LANYARD_TYPE_IMPORT_PREVIEW_ITEM, NULL);

  self->result = lanyard_import_result_ref (result);
  self->table = lanyard_csv_table_ref (table);
  self->index = index;
  self->table_row = table_row;

  return self;
}

static const LanyardImportRow *
lanyard_import_preview_item_get_row (LanyardImportPreviewItem *self)
{
  return lanyard_import_result_get_row (self->result, self->index);
}

/* Words */

static gboolean
is_blank (const char *text)
{
  for (; text != NULL && *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;

  return TRUE;
}

/* What the user calls column @column: its header, or "Column 3" when it has none. */
static char *
lanyard_import_dialog_dup_column_title (LanyardImportDialog *self,
                                        guint                column)
{
  if (column < self->n_headers && *self->headers[column] != '\0')
    return g_strdup (self->headers[column]);

  /* Translators: a column of a spreadsheet without a header; %u counts from 1 */
  return g_strdup_printf (_("Column %u"), column + 1);
}

/* A few values of @column, so that the user sees what it holds: "Ada, Grace, Alan". */
static char *
dup_column_samples (LanyardCsvTable *table,
                    guint            column)
{
  g_autoptr(GString) samples = g_string_new (NULL);
  guint n_rows = lanyard_csv_table_get_n_rows (table);
  guint found = 0;

  for (guint row = 1; row < n_rows && found < N_SAMPLES; row++)
    {
      g_autofree char *value = g_strdup (lanyard_csv_table_get_cell (table, row, column));

      g_strdelimit (g_strstrip (value), "\r\n\t", ' ');
      if (*value == '\0')
        continue;

      if (g_utf8_strlen (value, -1) > SAMPLE_MAX_CHARS)
        {
          g_autofree char *start = g_utf8_substring (value, 0, SAMPLE_MAX_CHARS - 1);

          g_free (value);
          value = g_strconcat (start, "…", NULL);
        }

      if (found > 0)
        /* Translators: between the sample values of a column, "Ada, Grace, Alan" */
        g_string_append (samples, C_("list separator", ", "));
      g_string_append (samples, value);
      found++;
    }

  if (found == 0)
    return g_strdup (_("Empty in every row"));

  return g_string_free (g_steal_pointer (&samples), FALSE);
}

static void
set_count_label (GtkLabel *label,
                 guint     count)
{
  g_autofree char *text = g_strdup_printf ("%u", count);

  gtk_label_set_label (label, text);
}

/* Chrome: pages, header bar, actions */

static gboolean
lanyard_import_dialog_can_go_back (LanyardImportDialog *self)
{
  switch (self->page)
    {
    case PAGE_MAPPING:
      /* Not while the file is read again with another separator: its end would bring the user back here. */
      return self->operation == OPERATION_NONE;

    case PAGE_PREVIEW:
      return self->operation != OPERATION_IMPORT;

    case PAGE_WORKING:
      return self->operation == OPERATION_CHECK;

    case PAGE_FILE:
    case PAGE_RESULTS:
    default:
      return FALSE;
    }
}

static void
lanyard_import_dialog_update_chrome (LanyardImportDialog *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean idle = self->operation == OPERATION_NONE;
  guint n_import = 0;
  guint n_errors = 0;
  const char *subtitle = NULL;
  GtkWidget *default_widget = NULL;

  if (self->check_result != NULL)
    n_import = lanyard_import_result_count (self->check_result, LANYARD_IMPORT_OUTCOME_IMPORT);
  if (self->result != NULL)
    n_errors = lanyard_import_result_count (self->result, LANYARD_IMPORT_OUTCOME_ERROR);

  switch (self->page)
    {
    case PAGE_FILE:
      subtitle = _("Choose a File");
      default_widget = self->next_button;
      break;

    case PAGE_MAPPING:
      subtitle = _("Match the Columns");
      default_widget = self->next_button;
      break;

    case PAGE_WORKING:
      subtitle = self->operation == OPERATION_IMPORT ? _("Importing") : _("Checking");
      break;

    case PAGE_PREVIEW:
      subtitle = _("Check and Import");
      default_widget = GTK_WIDGET (self->import_button);
      break;

    case PAGE_RESULTS:
      subtitle = _("Done");
      default_widget = self->done_button;
      break;

    default:
      g_assert_not_reached ();
    }

  adw_window_title_set_subtitle (self->window_title, subtitle);

  gtk_widget_set_visible (self->back_button, lanyard_import_dialog_can_go_back (self));
  gtk_widget_set_visible (self->cancel_button, self->page != PAGE_RESULTS);
  gtk_widget_set_visible (self->next_button, self->page == PAGE_FILE || self->page == PAGE_MAPPING);
  gtk_widget_set_visible (GTK_WIDGET (self->import_button), self->page == PAGE_PREVIEW);
  gtk_widget_set_visible (self->done_button, self->page == PAGE_RESULTS);
  gtk_widget_set_visible (GTK_WIDGET (self->busy_spinner), !idle && self->page != PAGE_WORKING);
  gtk_spinner_set_spinning (self->busy_spinner, !idle);
  gtk_window_set_default_widget (GTK_WINDOW (self), default_widget);

  gtk_widget_action_set_enabled (widget, "import.back", lanyard_import_dialog_can_go_back (self));
  gtk_widget_action_set_enabled (widget, "import.next",
                                 idle && ((self->page == PAGE_FILE && self->table != NULL) ||
                                          (self->page == PAGE_MAPPING && self->mapping_ok)));
  gtk_widget_action_set_enabled (widget, "import.import", idle && self->page == PAGE_PREVIEW && n_import > 0);
  gtk_widget_action_set_enabled (widget, "import.done", self->page == PAGE_RESULTS);
  gtk_widget_action_set_enabled (widget, "import.choose-file", idle && self->page == PAGE_FILE);
  gtk_widget_action_set_enabled (widget, "import.download-template", self->page == PAGE_FILE);
  gtk_widget_action_set_enabled (widget, "import.apply-mapping", idle && self->page == PAGE_MAPPING);
  gtk_widget_action_set_enabled (widget, "import.save-mapping", idle && self->page == PAGE_MAPPING);
  gtk_widget_action_set_enabled (widget, "import.no-saved-mappings", FALSE);
  gtk_widget_action_set_enabled (widget, "import.save-failed-rows", self->page == PAGE_RESULTS && n_errors > 0);

  /* What an operation works on cannot change under it. */
  gtk_widget_set_sensitive (self->mapping_page, idle);
  gtk_widget_set_sensitive (self->preview_page, idle);
}

static void
lanyard_import_dialog_set_page (LanyardImportDialog *self,
                                Page                 page)
{
  GtkWidget *focus = NULL;

  if (self->page == page)
    {
      lanyard_import_dialog_update_chrome (self);
      return;
    }

  self->page = page;
  gtk_stack_set_visible_child_name (self->stack, page_names[page]);
  lanyard_import_dialog_update_chrome (self);

  switch (page)
    {
    case PAGE_FILE:
      focus = self->choose_file_button;
      break;

    case PAGE_MAPPING:
      lanyard_import_dialog_update_mappings_menu (self);
      focus = self->column_rows->len > 0 ? g_ptr_array_index (self->column_rows, 0) : NULL;
      break;

    case PAGE_PREVIEW:
      focus = GTK_WIDGET (self->import_button);
      break;

    case PAGE_RESULTS:
      focus = self->done_button;
      break;

    case PAGE_WORKING:
    default:
      break;
    }

  if (focus != NULL && gtk_widget_is_sensitive (focus))
    gtk_widget_grab_focus (focus);
}

/* Says what went wrong above the page (@title, then core's @message), or hides it. */
static void
lanyard_import_dialog_show_error (LanyardImportDialog *self,
                                  const char          *title,
                                  const char          *message)
{
  if (title != NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->error_row), title);
      adw_action_row_set_subtitle (self->error_row, message);
    }
  gtk_revealer_set_reveal_child (self->error_revealer, title != NULL);
}

/* Operations */

static gboolean
on_progress_delay_cb (gpointer user_data)
{
  LanyardImportDialog *self = user_data;

  self->progress_source = 0;
  lanyard_import_dialog_set_page (self, PAGE_WORKING);

  return G_SOURCE_REMOVE;
}

/* Starts @operation: returns the cancellable it must use. */
static GCancellable *
lanyard_import_dialog_begin (LanyardImportDialog *self,
                             Operation            operation)
{
  g_assert (self->operation == OPERATION_NONE);

  self->operation = operation;
  g_clear_object (&self->operation_cancellable);
  self->operation_cancellable = g_cancellable_new ();
  lanyard_import_dialog_show_error (self, NULL, NULL);

  if (operation == OPERATION_CHECK || operation == OPERATION_IMPORT)
    {
      const char *title;
      const char *description;

      if (operation == OPERATION_CHECK)
        {
          title = _("Checking the People…");
          description = _("Nothing is saved yet");
        }
      else
        {
          title = _("Importing People…");
          description = _("Nothing is saved until every person is in: cancelling leaves the list as it was");
        }
      adw_status_page_set_title (self->working_page, title);
      adw_status_page_set_description (self->working_page, description);
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      gtk_progress_bar_set_text (self->progress_bar, NULL);
      self->progress_source = g_timeout_add (PROGRESS_DELAY_MS, on_progress_delay_cb, self);
    }

  lanyard_import_dialog_update_chrome (self);

  return self->operation_cancellable;
}

static void
lanyard_import_dialog_end (LanyardImportDialog *self)
{
  self->operation = OPERATION_NONE;
  g_clear_handle_id (&self->progress_source, g_source_remove);
  g_clear_object (&self->operation_cancellable);
}

/*
 * What the callback of a read, check or import gets: the dialog, and the
 * operation it answers, which may have been cancelled or replaced since.
 */
typedef struct {
  LanyardImportDialog *self;
  GCancellable        *cancellable;
} Call;

static Call *
call_new (LanyardImportDialog *self)
{
  Call *call = g_new0 (Call, 1);

  call->self = g_object_ref (self);
  call->cancellable = g_object_ref (self->operation_cancellable);

  return call;
}

static void
call_free (Call *call)
{
  g_object_unref (call->self);
  g_object_unref (call->cancellable);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

/* Whether the answer is for the operation under way, which the dialog is still waiting for. */
static gboolean
call_is_current (Call *call)
{
  return !call->self->closing && call->cancellable == call->self->operation_cancellable;
}

static void
on_import_progress_cb (guint    done,
                       guint    total,
                       gpointer user_data)
{
  LanyardImportDialog *self = user_data;
  g_autofree char *text = NULL;

  if (self->closing || total == 0)
    return;

  /* Translators: progress of checking or importing people, "12 of 200" */
  text = g_strdup_printf (_("%u of %u"), done, total);
  gtk_progress_bar_set_fraction (self->progress_bar, (double)done / total);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

/* Reading the file */

typedef struct {
  GFile  *file;
  GBytes *bytes;       /* read already; NULL to read the file */
  char    separator;   /* 0 to detect it */
} ReadJob;

typedef struct {
  GBytes          *bytes;
  LanyardCsvTable *table;
} ReadResult;

static void
read_job_free (gpointer data)
{
  ReadJob *job = data;

  g_clear_object (&job->file);
  g_clear_pointer (&job->bytes, g_bytes_unref);
  g_free (job);
}

static void
read_result_free (gpointer data)
{
  ReadResult *result = data;

  g_clear_pointer (&result->bytes, g_bytes_unref);
  g_clear_pointer (&result->table, lanyard_csv_table_unref);
  g_free (result);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ReadJob *job = task_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(LanyardCsvTable) table = NULL;
  GError *error = NULL;
  ReadResult *result;

  if (job->bytes != NULL)
    bytes = g_bytes_ref (job->bytes);
  else if (!(bytes = lanyard_csv_load_file (job->file, cancellable, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  if (!(table = lanyard_csv_parse (bytes, job->separator, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  result = g_new0 (ReadResult, 1);
  result->bytes = g_steal_pointer (&bytes);
  result->table = g_steal_pointer (&table);
  g_task_return_pointer (task, result, read_result_free);
}

static void
lanyard_import_dialog_update_file_row (LanyardImportDialog *self)
{
  LanyardCsvEncoding encoding = lanyard_csv_table_get_encoding (self->table);
  guint n_people = lanyard_csv_table_get_n_rows (self->table) - 1;
  char separator = lanyard_csv_table_get_separator (self->table);
  g_autofree char *subtitle = NULL;

  if (encoding == LANYARD_CSV_ENCODING_UTF8)
    /* Translators: how many people a file holds */
    subtitle = g_strdup_printf (ngettext ("%u person", "%u people", n_people), n_people);
  else
    /* Translators: how many people a file holds, and the character encoding it was read in, "Windows-1252" */
    subtitle = g_strdup_printf (ngettext ("%u person, read as %s", "%u people, read as %s", n_people),
                                n_people, lanyard_csv_encoding_to_string (encoding));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->file_row), self->file_name);
  adw_action_row_set_subtitle (self->file_row, subtitle);

  self->updating = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (separators); i++)
    if (separators[i] == separator)
      adw_combo_row_set_selected (self->separator_row, i);
  self->updating = FALSE;
}

/* The field a column row shows: "Not imported" when none, so that it reads as a state, not an order. */
static void
on_field_factory_bind_cb (GtkSignalListItemFactory *factory,
                          GtkListItem              *list_item,
                          gpointer                  user_data)
{
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  GtkStringObject *item = gtk_list_item_get_item (list_item);
  const char *text = gtk_string_object_get_string (item);
  gboolean none = g_strcmp0 (text, lanyard_import_field_get_label (LANYARD_IMPORT_FIELD_NONE)) == 0;

  /* Translators: what a column set to “Do not import” says it is */
  gtk_label_set_label (label, none ? _("Not imported") : text);
  if (none)
    gtk_widget_add_css_class (GTK_WIDGET (label), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (label), "dim-label");
}

/* In the list to choose from, the choices as core names them: "Do not import" among the fields. */
static void
on_field_list_factory_bind_cb (GtkSignalListItemFactory *factory,
                               GtkListItem              *list_item,
                               gpointer                  user_data)
{
  GtkStringObject *item = gtk_list_item_get_item (list_item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (list_item)), gtk_string_object_get_string (item));
}

static void
on_field_factory_setup_cb (GtkSignalListItemFactory *factory,
                           GtkListItem              *list_item,
                           gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (list_item, label);
}

static void on_column_row_selected_cb (LanyardImportDialog *self,
                                       GParamSpec          *pspec,
                                       AdwComboRow         *row);

/* One row per column of the header, each set to the mapping's field. */
static void
lanyard_import_dialog_build_column_rows (LanyardImportDialog *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkListItemFactory) list_factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkExpression) expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  GtkWidget *child;

  g_signal_connect (factory, "setup", G_CALLBACK (on_field_factory_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (on_field_factory_bind_cb), NULL);
  g_signal_connect (list_factory, "setup", G_CALLBACK (on_field_factory_setup_cb), NULL);
  g_signal_connect (list_factory, "bind", G_CALLBACK (on_field_list_factory_bind_cb), NULL);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->columns_list))) != NULL)
    gtk_list_box_remove (self->columns_list, child);
  g_ptr_array_set_size (self->column_rows, 0);

  self->updating = TRUE;
  for (guint column = 0; column < self->n_headers; column++)
    {
      g_autofree char *title = lanyard_import_dialog_dup_column_title (self, column);
      g_autofree char *samples = dup_column_samples (self->table, column);
      AdwComboRow *row = ADW_COMBO_ROW (adw_combo_row_new ());

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), samples);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
      adw_combo_row_set_expression (row, expression);
      adw_combo_row_set_model (row, G_LIST_MODEL (self->field_labels));
      adw_combo_row_set_factory (row, factory);
      adw_combo_row_set_list_factory (row, list_factory);
      adw_combo_row_set_selected (row, lanyard_import_mapping_get_field (self->mapping, column));
      g_signal_connect_object (row, "notify::selected", G_CALLBACK (on_column_row_selected_cb), self, G_CONNECT_SWAPPED);

      gtk_list_box_append (self->columns_list, GTK_WIDGET (row));
      g_ptr_array_add (self->column_rows, row);
    }
  self->updating = FALSE;
}

/* Shows the mapping in the rows again, after it was replaced by a saved one. */
static void
lanyard_import_dialog_sync_column_rows (LanyardImportDialog *self)
{
  self->updating = TRUE;
  for (guint column = 0; column < self->column_rows->len; column++)
    adw_combo_row_set_selected (g_ptr_array_index (self->column_rows, column),
                                lanyard_import_mapping_get_field (self->mapping, column));
  self->updating = FALSE;
}

/* Checks the mapping by core's rules and says what stops it. */
static void
lanyard_import_dialog_update_mapping_message (LanyardImportDialog *self)
{
  g_autoptr(GError) error = NULL;

  self->mapping_ok = (self->mapping != NULL &&
                      lanyard_import_mapping_check (self->mapping, (const char * const *)self->headers, &error));

  if (error != NULL)
    gtk_label_set_label (self->mapping_message_label, error->message);
  gtk_revealer_set_reveal_child (self->mapping_message_revealer, error != NULL);
}

static void
on_file_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  LanyardImportDialog *self = call->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  g_autoptr(GError) size_error = NULL;
  ReadJob *job = g_task_get_task_data (G_TASK (result));
  ReadResult *read;

  read = g_task_propagate_pointer (G_TASK (result), &error);
  if (!call_is_current (call) || g_cancellable_is_cancelled (call->cancellable))
    {
      g_clear_pointer (&read, read_result_free);
      return;
    }

  lanyard_import_dialog_end (self);

  name = g_file_get_basename (job->file);

  if (read == NULL)
    {
      /* Translators: %s is a file name */
      title = g_strdup_printf (_("Could Not Read “%s”"), name);
      lanyard_import_dialog_show_error (self, title, error->message);
      /* A separator the file cannot be read with: the row goes back to the one it was read with. */
      if (self->table != NULL)
        lanyard_import_dialog_update_file_row (self);
      lanyard_import_dialog_update (self);
      return;
    }

  /* Core's rule: someone under the header, and not more than one import may hold. */
  if (!lanyard_import_check_size (read->table, &size_error))
    {
      /* Translators: %s is a file name */
      title = g_strdup_printf (_("Cannot Import “%s”"), name);
      lanyard_import_dialog_show_error (self, title, size_error->message);
      if (self->table != NULL)
        lanyard_import_dialog_update_file_row (self);
      read_result_free (read);
      lanyard_import_dialog_update (self);
      return;
    }

  /* The new file, or the same one read with another separator: its columns start over. */
  g_set_object (&self->file, job->file);
  g_free (self->file_name);
  self->file_name = g_steal_pointer (&name);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  self->bytes = g_steal_pointer (&read->bytes);
  g_clear_pointer (&self->table, lanyard_csv_table_unref);
  self->table = g_steal_pointer (&read->table);
  read_result_free (read);

  g_strfreev (self->headers);
  self->headers = lanyard_csv_table_dup_header (self->table);
  self->n_headers = g_strv_length (self->headers);

  g_hash_table_remove_all (self->rows_by_line);
  for (guint row = 1; row < lanyard_csv_table_get_n_rows (self->table); row++)
    g_hash_table_insert (self->rows_by_line,
                         GUINT_TO_POINTER (lanyard_csv_table_get_row_line (self->table, row)),
                         GUINT_TO_POINTER (row));

  g_clear_pointer (&self->mapping, lanyard_import_mapping_free);
  self->mapping = lanyard_import_mapping_guess ((const char * const *)self->headers, self->n_headers);
  g_clear_pointer (&self->check_result, lanyard_import_result_unref);

  lanyard_import_dialog_update_file_row (self);
  lanyard_import_dialog_build_column_rows (self);
  lanyard_import_dialog_update_mapping_message (self);
  lanyard_import_dialog_set_page (self, PAGE_MAPPING);
  lanyard_import_dialog_update (self);
}

static void
lanyard_import_dialog_read (LanyardImportDialog *self,
                            GFile               *file,
                            GBytes              *bytes,
                            char                 separator)
{
  g_autoptr(GTask) task = NULL;
  GCancellable *cancellable;
  ReadJob *job;

  if (self->operation != OPERATION_NONE)
    return;

  cancellable = lanyard_import_dialog_begin (self, OPERATION_READ);

  job = g_new0 (ReadJob, 1);
  job->file = g_object_ref (file);
  job->bytes = bytes != NULL ? g_bytes_ref (bytes) : NULL;
  job->separator = separator;

  task = g_task_new (self, cancellable, on_file_read_cb, call_new (self));
  g_task_set_source_tag (task, lanyard_import_dialog_read);
  g_task_set_task_data (task, job, read_job_free);
  g_task_run_in_thread (task, read_thread);
}

/* Checking: the preview */

static void
set_cell_text (GtkLabel   *label,
               const char *text)
{
  /* An empty cell still says something, so that a highlight around it shows. */
  if (is_blank (text))
    {
      gtk_label_set_label (label, "—");
      gtk_widget_add_css_class (GTK_WIDGET (label), "dim-label");
    }
  else
    {
      gtk_label_set_label (label, text);
      gtk_widget_remove_css_class (GTK_WIDGET (label), "dim-label");
    }
}

static GtkWidget *
cell_box_new (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *image = g_object_new (GTK_TYPE_IMAGE, "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_halign (box, GTK_ALIGN_START);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 28);
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), label);

  return box;
}

static void
on_cell_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  user_data)
{
  gtk_list_item_set_child (list_item, cell_box_new ());
}

/* The status cell's icon says what the text does not: it is no decoration. */
static void
on_status_setup_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_box_append (GTK_BOX (box), gtk_image_new ());
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (list_item, box);
}

static void
on_line_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_list_item_set_child (list_item, label);
}

static void
on_line_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  user_data)
{
  LanyardImportPreviewItem *item = gtk_list_item_get_item (list_item);
  g_autofree char *text = g_strdup_printf ("%u", lanyard_import_row_get_line (lanyard_import_preview_item_get_row (item)));

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
}

/* All the problems of a row, one a line. */
static char *
dup_row_problems (const LanyardImportRow *row)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < lanyard_import_row_get_n_problems (row); i++)
    {
      if (i > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, lanyard_import_row_get_problem (row, i));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
on_status_bind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   gpointer                  user_data)
{
  LanyardImportPreviewItem *item = gtk_list_item_get_item (list_item);
  const LanyardImportRow *row = lanyard_import_preview_item_get_row (item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *image = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (image);
  g_autofree char *problems = dup_row_problems (row);
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;
  const char *icon_name;
  const char *icon_label;
  const char *style;

  switch (lanyard_import_row_get_outcome (row))
    {
    case LANYARD_IMPORT_OUTCOME_IMPORT:
      icon_name = "object-select-symbolic";
      /* Translators: the status of a row of the file in the preview: it will be imported */
      icon_label = C_("import row", "Ready");
      style = "success";
      text = g_strdup (icon_label);
      break;

    case LANYARD_IMPORT_OUTCOME_SKIP:
      icon_name = "media-skip-forward-symbolic";
      /* Translators: the status of a row of the file in the preview: someone has its phone or email */
      icon_label = C_("import row", "Skipped");
      style = "dim-label";
      /* Who has the phone or email already, "Ada Lovelace already has this email". */
      text = g_strdup (problems);
      /* Translators: the tooltip of a skipped row; %s says who has the phone or email, "Ada Lovelace already has this email" */
      tooltip = g_strdup_printf (C_("import row", "Skipped: %s"), problems);
      break;

    case LANYARD_IMPORT_OUTCOME_ERROR:
    default:
      icon_name = "dialog-error-symbolic";
      /* Translators: the status of a row of the file in the preview: something in it is refused */
      icon_label = C_("import row", "Not imported");
      style = "error";
      text = lanyard_import_row_dup_problems (row);
      tooltip = g_strdup (problems);
      break;
    }

  gtk_image_set_from_icon_name (GTK_IMAGE (image), icon_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, icon_label, -1);
  gtk_widget_remove_css_class (image, "success");
  gtk_widget_remove_css_class (image, "dim-label");
  gtk_widget_remove_css_class (image, "error");
  gtk_widget_add_css_class (image, style);
  gtk_label_set_label (GTK_LABEL (label), text);
  gtk_widget_set_tooltip_text (box, tooltip);
}

/* A cell of the file, marked when core has something to say about it. */
static void
on_field_cell_bind_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *list_item,
                       gpointer                  user_data)
{
  guint column = GPOINTER_TO_UINT (user_data);
  LanyardImportPreviewItem *item = gtk_list_item_get_item (list_item);
  const LanyardImportRow *row = lanyard_import_preview_item_get_row (item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *image = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (image);
  g_autofree char *problems = lanyard_import_row_dup_column_problems (row, column);
  gboolean skipped = lanyard_import_row_get_outcome (row) == LANYARD_IMPORT_OUTCOME_SKIP;

  set_cell_text (GTK_LABEL (label), lanyard_csv_table_get_cell (item->table, item->table_row, column));

  /* A refused value is an error; the phone or email someone here has already only skips the row. */
  gtk_widget_remove_css_class (box, "error");
  gtk_widget_remove_css_class (box, "warning");
  gtk_widget_remove_css_class (label, "warning");
  lanyard_ui_set_problem (label, !skipped ? problems : NULL, NULL);
  if (problems != NULL)
    {
      gtk_widget_add_css_class (box, "import-problem");
      gtk_widget_add_css_class (box, skipped ? "warning" : "error");
      if (skipped)
        {
          gtk_widget_add_css_class (label, "warning");
          gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, problems, -1);
        }
      gtk_widget_remove_css_class (label, "dim-label");
      gtk_image_set_from_icon_name (GTK_IMAGE (image), skipped ? "edit-copy-symbolic" : "dialog-warning-symbolic");
    }
  else
    {
      gtk_widget_remove_css_class (box, "import-problem");
    }
  gtk_widget_set_visible (image, problems != NULL);
  gtk_widget_set_tooltip_text (label, problems);
  gtk_widget_set_tooltip_text (image, problems);
}

static GtkColumnViewColumn *
preview_column_new (const char *title,
                    GCallback   setup,
                    GCallback   bind,
                    gpointer    data)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_signal_connect (factory, "setup", setup, data);
  g_signal_connect (factory, "bind", bind, data);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (column, TRUE);

  return column;
}

/* The table of the dry run: the row, its status, then the file's cells of the mapped columns. */
/* Says in full what becomes of the selected row: its problems, or who has its phone or email. */
static void
on_preview_selected_cb (LanyardImportDialog *self,
                        GParamSpec          *pspec,
                        GtkSingleSelection  *selection)
{
  LanyardImportPreviewItem *item = gtk_single_selection_get_selected_item (selection);
  const LanyardImportRow *row;
  g_autofree char *problems = NULL;
  g_autofree char *text = NULL;

  if (item == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->preview_detail_label), FALSE);
      return;
    }

  row = lanyard_import_preview_item_get_row (item);
  if (lanyard_import_row_get_outcome (row) == LANYARD_IMPORT_OUTCOME_IMPORT)
    /* Translators: under the preview, for the selected row; %u is its row number */
    text = g_strdup_printf (_("Row %u will be imported."), lanyard_import_row_get_line (row));
  else
    {
      problems = lanyard_import_row_dup_problems (row);
      /* Translators: under the preview, for the selected row; %u is its row number, %s what is wrong */
      text = g_strdup_printf (_("Row %u: %s"), lanyard_import_row_get_line (row), problems);
    }

  gtk_label_set_label (self->preview_detail_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->preview_detail_label), TRUE);
}

static void
lanyard_import_dialog_build_preview_table (LanyardImportDialog *self)
{
  g_autoptr(GListStore) store = g_list_store_new (LANYARD_TYPE_IMPORT_PREVIEW_ITEM);
  GtkSingleSelection *selection;
  GtkColumnView *view;
  g_autoptr(GtkColumnViewColumn) line_column = NULL;
  g_autoptr(GtkColumnViewColumn) status_column = NULL;

  for (guint i = 0; i < lanyard_import_result_get_n_rows (self->check_result); i++)
    {
      const LanyardImportRow *row = lanyard_import_result_get_row (self->check_result, i);
      guint table_row = GPOINTER_TO_UINT (g_hash_table_lookup (self->rows_by_line,
                                                               GUINT_TO_POINTER (lanyard_import_row_get_line (row))));
      g_autoptr(LanyardImportPreviewItem) item = NULL;

      g_assert (table_row > 0);
      item = lanyard_import_preview_item_new (self->check_result, self->table, i, table_row);
      g_list_store_append (store, item);
    }

  /* A row can be selected (keyboard included) to read its problems in full under the table. */
  selection = gtk_single_selection_new (G_LIST_MODEL (g_steal_pointer (&store)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_single_selection_set_selected (selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_object (selection, "notify::selected", G_CALLBACK (on_preview_selected_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_label_set_label (self->preview_detail_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->preview_detail_label), FALSE);
  view = GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (selection)));
  gtk_column_view_set_show_row_separators (view, TRUE);
  gtk_column_view_set_show_column_separators (view, TRUE);
  /* Columns as wide as their cells want: a narrow window scrolls sideways rather than cutting every value. */
  gtk_scrollable_set_hscroll_policy (GTK_SCROLLABLE (view), GTK_SCROLL_NATURAL);
  gtk_widget_add_css_class (GTK_WIDGET (view), "data-table");
  gtk_accessible_update_property (GTK_ACCESSIBLE (view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Preview of the rows"),
                                  -1);

  /* Translators: the header of the preview's column of row numbers */
  line_column = preview_column_new (C_("preview column", "Row"),
                                    G_CALLBACK (on_line_setup_cb), G_CALLBACK (on_line_bind_cb), NULL);
  gtk_column_view_append_column (view, line_column);
  /* Translators: the header of the preview's column that says what happens to each row */
  status_column = preview_column_new (C_("preview column", "Status"),
                                      G_CALLBACK (on_status_setup_cb), G_CALLBACK (on_status_bind_cb), NULL);
  gtk_column_view_column_set_fixed_width (status_column, STATUS_COLUMN_WIDTH);
  gtk_column_view_append_column (view, status_column);

  for (guint column = 0; column < self->n_headers; column++)
    {
      LanyardImportField field = lanyard_import_mapping_get_field (self->mapping, column);
      g_autoptr(GtkColumnViewColumn) view_column = NULL;

      if (field == LANYARD_IMPORT_FIELD_NONE)
        continue;

      view_column = preview_column_new (lanyard_import_field_get_label (field),
                                        G_CALLBACK (on_cell_setup_cb), G_CALLBACK (on_field_cell_bind_cb),
                                        GUINT_TO_POINTER (column));
      gtk_column_view_append_column (view, view_column);
    }

  gtk_scrolled_window_set_child (self->preview_scroller, GTK_WIDGET (view));
}

static void
lanyard_import_dialog_update_invitation (LanyardImportDialog *self)
{
  guint n_with_email = 0;
  g_autofree char *subtitle = NULL;
  gboolean possible;

  if (self->check_result != NULL)
    for (guint i = 0; i < lanyard_import_result_get_n_rows (self->check_result); i++)
      {
        const LanyardImportRow *row = lanyard_import_result_get_row (self->check_result, i);
        LanyardPerson *person = lanyard_import_row_get_person (row);

        if (lanyard_import_row_get_outcome (row) == LANYARD_IMPORT_OUTCOME_IMPORT &&
            person != NULL && lanyard_person_get_email (person) != NULL)
          n_with_email++;
      }

  if (!self->can_send_invitations)
    subtitle = g_strdup (_("The local database cannot send email. Connect to a Lanyard server to invite people."));
  else if (n_with_email == 0)
    subtitle = g_strdup (_("No one to import has an email address"));
  else
    /* Translators: only people with an email address can be invited */
    subtitle = g_strdup_printf (ngettext ("Emails a sign-in link to the %u person with an email address",
                                          "Emails a sign-in link to the %u people with an email address",
                                          n_with_email),
                                n_with_email);

  possible = self->can_send_invitations && n_with_email > 0;
  adw_action_row_set_subtitle (self->invitation_row, subtitle);
  gtk_widget_set_sensitive (GTK_WIDGET (self->invitation_row), possible);

  /* An insensitive switch that is on would promise invitations that cannot go out. */
  if (!possible)
    gtk_switch_set_active (self->invitation_switch, FALSE);
}

static void
lanyard_import_dialog_update_preview (LanyardImportDialog *self)
{
  guint n_import, n_skip, n_error;
  g_autofree char *import_label = NULL;
  const char *hint;

  if (self->check_result == NULL)
    return;

  n_import = lanyard_import_result_count (self->check_result, LANYARD_IMPORT_OUTCOME_IMPORT);
  n_skip = lanyard_import_result_count (self->check_result, LANYARD_IMPORT_OUTCOME_SKIP);
  n_error = lanyard_import_result_count (self->check_result, LANYARD_IMPORT_OUTCOME_ERROR);

  set_count_label (self->preview_import_count_label, n_import);
  gtk_label_set_label (self->preview_import_caption_label,
                       /* Translators: under the number of people of the file that will be imported */
                       ngettext ("will be imported", "will be imported", n_import));
  set_count_label (self->preview_skip_count_label, n_skip);
  gtk_label_set_label (self->preview_skip_caption_label,
                       /* Translators: under the number of people of the file who are in the list already */
                       ngettext ("skipped, already here", "skipped, already here", n_skip));
  set_count_label (self->preview_error_count_label, n_error);
  gtk_label_set_label (self->preview_error_caption_label,
                       /* Translators: under the number of rows of the file that cannot be imported */
                       ngettext ("has problems", "have problems", n_error));
  if (n_error > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->preview_error_count_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->preview_error_count_label), "error");

  if (n_import == 0)
    hint = _("No one in this file can be imported. Fix the highlighted cells in the file and choose it again.");
  else if (n_error > 0)
    hint = _("Rows with problems are left out. Point at a highlighted cell, or select its row, to see what is wrong.");
  else if (n_skip > 0)
    hint = _("Rows with a mobile phone or email someone here has already are left out.");
  else
    hint = _("Every row can be imported.");
  gtk_label_set_label (self->preview_hint_label, hint);

  if (n_import > 0)
    /* Translators: the import button; %u is the number of people it adds */
    import_label = g_strdup_printf (ngettext ("_Import %u Person", "_Import %u People", n_import),
                                    n_import);
  else
    import_label = g_strdup (_("_Import"));
  gtk_button_set_label (self->import_button, import_label);

  lanyard_import_dialog_update_invitation (self);
}

static void
on_check_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  LanyardImportDialog *self = call->self;
  g_autoptr(LanyardImportResult) check = NULL;
  g_autoptr(GError) error = NULL;

  check = lanyard_import_finish (result, &error);
  if (!call_is_current (call) || g_cancellable_is_cancelled (call->cancellable))
    return;

  lanyard_import_dialog_end (self);

  if (check == NULL)
    {
      /* A server away or a sign-in refused is also the window's to say, in its banner; the mapping stays. */
      lanyard_ui_report_store_error (GTK_WIDGET (self), error);
      lanyard_import_dialog_show_error (self, _("Could Not Check the People"), error->message);
      lanyard_import_dialog_set_page (self, PAGE_MAPPING);
      lanyard_import_dialog_update (self);
      return;
    }

  g_clear_pointer (&self->check_result, lanyard_import_result_unref);
  self->check_result = g_steal_pointer (&check);
  lanyard_import_dialog_build_preview_table (self);
  lanyard_import_dialog_update_preview (self);
  lanyard_import_dialog_set_page (self, PAGE_PREVIEW);
  lanyard_import_dialog_update (self);
}

static void
lanyard_import_dialog_check (LanyardImportDialog *self)
{
  GCancellable *cancellable;

  if (self->operation != OPERATION_NONE || !self->mapping_ok)
    return;

  cancellable = lanyard_import_dialog_begin (self, OPERATION_CHECK);
  lanyard_import_check_async (self->store, lanyard_facility_get_id (self->facility),
                              self->table, self->mapping,
                              on_import_progress_cb, self,
                              cancellable, on_check_done_cb, call_new (self));
}

/* Importing: the results */

static GtkWidget *
not_imported_row_new (const LanyardImportRow *row)
{
  LanyardPerson *person = lanyard_import_row_get_person (row);
  g_autofree char *name = person != NULL ? lanyard_person_dup_display_name (person) : NULL;
  g_autofree char *title = NULL;
  g_autofree char *problems = dup_row_problems (row);
  gboolean skipped = lanyard_import_row_get_outcome (row) == LANYARD_IMPORT_OUTCOME_SKIP;
  GtkWidget *widget = adw_action_row_new ();
  GtkWidget *image = gtk_image_new_from_icon_name (skipped ? "media-skip-forward-symbolic" : "dialog-error-symbolic");

  if (!is_blank (name))
    /* Translators: a row of the imported file: its number, then the person's name */
    title = g_strdup_printf (_("Row %u · %s"), lanyard_import_row_get_line (row), name);
  else
    /* Translators: a row of the imported file */
    title = g_strdup_printf (_("Row %u"), lanyard_import_row_get_line (row));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (widget), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (widget), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (widget), problems);
  gtk_widget_add_css_class (image, skipped ? "dim-label" : "error");
  gtk_accessible_update_property (GTK_ACCESSIBLE (image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  skipped ? _("Skipped") : _("Error"),
                                  -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (widget), image);

  return widget;
}

static void
lanyard_import_dialog_show_results (LanyardImportDialog *self)
{
  guint n_imported = lanyard_import_result_count (self->result, LANYARD_IMPORT_OUTCOME_IMPORT);
  guint n_skipped = lanyard_import_result_count (self->result, LANYARD_IMPORT_OUTCOME_SKIP);
  guint n_errors = lanyard_import_result_count (self->result, LANYARD_IMPORT_OUTCOME_ERROR);
  g_autofree char *title = NULL;
  g_autofree char *facility = g_markup_escape_text (lanyard_facility_get_name (self->facility), -1);
  g_autofree char *file = g_markup_escape_text (self->file_name, -1);
  g_autofree char *description = NULL;
  GtkWidget *child;

  if (n_imported > 0)
    /* Translators: the title of the results of an import */
    title = g_strdup_printf (ngettext ("%u Person Imported", "%u People Imported", n_imported),
                             n_imported);
  else
    title = g_strdup (_("No One Was Imported"));

  if (n_errors > 0)
    /* Translators: the first %s is a file name, the second a facility's name */
    description = g_strdup_printf (_("From “%s” into %s. Save the failed rows to fix them and import them again."),
                                   file, facility);
  else
    /* Translators: the first %s is a file name, the second a facility's name */
    description = g_strdup_printf (_("From “%s” into %s."), file, facility);

  adw_status_page_set_icon_name (self->results_page,
                                 n_imported > 0 && n_errors == 0 ? "emblem-ok-symbolic" : "dialog-warning-symbolic");
  adw_status_page_set_title (self->results_page, title);
  adw_status_page_set_description (self->results_page, description);

  set_count_label (self->imported_count_label, n_imported);
  set_count_label (self->skipped_count_label, n_skipped);
  set_count_label (self->errors_count_label, n_errors);
  if (n_errors > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->errors_count_label), "error");

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->not_imported_list))) != NULL)
    gtk_list_box_remove (self->not_imported_list, child);
  for (guint i = 0; i < lanyard_import_result_get_n_rows (self->result); i++)
    {
      const LanyardImportRow *row = lanyard_import_result_get_row (self->result, i);

      if (lanyard_import_row_get_outcome (row) != LANYARD_IMPORT_OUTCOME_IMPORT)
        gtk_list_box_append (self->not_imported_list, not_imported_row_new (row));
    }

  gtk_widget_set_visible (self->not_imported_group, n_skipped + n_errors > 0);
  gtk_widget_set_visible (self->save_failed_button, n_errors > 0);
}

static void
on_import_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  LanyardImportDialog *self = call->self;
  g_autoptr(LanyardImportResult) imported = NULL;
  g_autoptr(GError) error = NULL;

  imported = lanyard_import_finish (result, &error);

  /* Stored, even if the dialog is going or Cancel came too late: the caller still has to know. */
  if (imported != NULL)
    {
      g_clear_pointer (&self->result, lanyard_import_result_unref);
      self->result = lanyard_import_result_ref (imported);
      g_signal_emit (self, signals[PEOPLE_IMPORTED], 0, imported);
    }

  if (!call_is_current (call))
    return;

  lanyard_import_dialog_end (self);

  if (self->stopping)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  /* Whether to stop it is no longer a question. */
  if (self->stop_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->stop_dialog));

  if (imported != NULL)
    {
      lanyard_import_dialog_show_results (self);
      lanyard_import_dialog_set_page (self, PAGE_RESULTS);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      lanyard_import_dialog_set_page (self, PAGE_PREVIEW);
      lanyard_ui_toast (GTK_WIDGET (self->stack), _("Import cancelled: no one was added"));
    }
  else
    {
      /* A server away or a sign-in refused is also the window's to say; the preview stays, to import again. */
      lanyard_ui_report_store_error (GTK_WIDGET (self), error);
      lanyard_import_dialog_set_page (self, PAGE_PREVIEW);
      lanyard_import_dialog_show_error (self, _("Could Not Import the People"), error->message);
    }

  lanyard_import_dialog_update (self);
}

static void
lanyard_import_dialog_import (LanyardImportDialog *self)
{
  GCancellable *cancellable;

  if (self->operation != OPERATION_NONE || self->check_result == NULL)
    return;

  self->send_invitations = (gtk_widget_get_sensitive (GTK_WIDGET (self->invitation_row)) &&
                            gtk_switch_get_active (self->invitation_switch));

  cancellable = lanyard_import_dialog_begin (self, OPERATION_IMPORT);
  lanyard_import_run_async (self->store, lanyard_facility_get_id (self->facility),
                            self->table, self->mapping, self->file_name,
                            on_import_progress_cb, self,
                            cancellable, on_import_done_cb, call_new (self));
}

static void
lanyard_import_dialog_update (LanyardImportDialog *self)
{
  lanyard_import_dialog_update_chrome (self);
}

/* Saved mappings */

/* Lists the saved mappings in the menu: when the columns page shows, so that one the CLI saved is there too. */
static void
lanyard_import_dialog_update_mappings_menu (LanyardImportDialog *self)
{
  g_auto(GStrv) names = NULL;
  g_autoptr(GError) error = NULL;

  g_menu_remove_all (self->saved_mappings_menu);

  names = lanyard_import_list_mappings (self->mappings_path, &error);
  if (error != NULL)
    lanyard_import_dialog_show_error (self, _("Could Not Read the Saved Mappings"), error->message);

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (names[i], NULL);

      g_menu_item_set_action_and_target_value (item, "import.apply-mapping", g_variant_new_string (names[i]));
      g_menu_append_item (self->saved_mappings_menu, item);
    }
  if (names == NULL || names[0] == NULL)
    g_menu_append (self->saved_mappings_menu, _("No Saved Mappings"), "import.no-saved-mappings");
}

static void
lanyard_import_dialog_apply_mapping (LanyardImportDialog *self,
                                     const char          *name)
{
  g_autofree char *json = NULL;
  g_autofree char *message = NULL;
  g_autoptr(LanyardImportMapping) mapping = NULL;
  g_autoptr(GError) error = NULL;

  if (self->table == NULL)
    return;

  if (!(json = lanyard_import_dup_mapping (self->mappings_path, name, &error)) ||
      !(mapping = lanyard_import_mapping_new_from_json (json, (const char * const *)self->headers, self->n_headers,
                                                        &error)))
    {
      lanyard_import_dialog_show_error (self, _("Could Not Use the Saved Mapping"), error->message);
      return;
    }

  lanyard_import_dialog_show_error (self, NULL, NULL);
  g_clear_pointer (&self->mapping, lanyard_import_mapping_free);
  self->mapping = g_steal_pointer (&mapping);
  g_clear_pointer (&self->check_result, lanyard_import_result_unref);
  lanyard_import_dialog_sync_column_rows (self);
  lanyard_import_dialog_update_mapping_message (self);
  lanyard_import_dialog_update (self);

  /* Translators: %s is the name of a saved column mapping */
  message = g_strdup_printf (_("Columns matched as in “%s”"), name);
  lanyard_ui_toast (GTK_WIDGET (self->stack), message);
}

static void
on_save_mapping_entry_changed_cb (AdwMessageDialog *dialog,
                                  GtkEditable      *entry)
{
  adw_message_dialog_set_response_enabled (dialog, "save", !is_blank (gtk_editable_get_text (entry)));
}

static void
on_save_mapping_dialog_response_cb (LanyardImportDialog *self,
                                    const char          *response,
                                    AdwMessageDialog    *dialog)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  g_autofree char *json = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "save") != 0 || self->mapping == NULL)
    return;

  json = lanyard_import_mapping_to_json (self->mapping, (const char * const *)self->headers);
  if (!lanyard_import_save_mapping (self->mappings_path, name, json, &error))
    {
      lanyard_import_dialog_show_error (self, _("Could Not Save the Mapping"), error->message);
      return;
    }

  lanyard_import_dialog_update_mappings_menu (self);

  /* Translators: %s is the name the user gave a column mapping */
  message = g_strdup_printf (_("Mapping “%s” saved"), name);
  lanyard_ui_toast (GTK_WIDGET (self->stack), message);
}

static void
lanyard_import_dialog_ask_mapping_name (LanyardImportDialog *self)
{
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  g_autofree char *suggestion = NULL;
  const char *dot;

  /* The spreadsheet's name is a good name for its mapping. */
  dot = self->file_name != NULL ? strrchr (self->file_name, '.') : NULL;
  suggestion = self->file_name != NULL
               ? g_strndup (self->file_name, dot != NULL && dot != self->file_name ? (gsize)(dot - self->file_name) : strlen (self->file_name))
               : g_strdup ("");

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Save Column Mapping"),
                                                       _("Give the mapping a name to match the columns of the next "
                                                         "file from the same spreadsheet in one step.")));
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), suggestion);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Mapping name"), -1);
  adw_message_dialog_set_extra_child (dialog, entry);

  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "save");
  adw_message_dialog_set_close_response (dialog, "cancel");
  adw_message_dialog_set_response_enabled (dialog, "save", !is_blank (suggestion));

  g_signal_connect_object (entry, "changed", G_CALLBACK (on_save_mapping_entry_changed_cb), dialog, G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_save_mapping_dialog_response_cb), self, G_CONNECT_SWAPPED);

  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

/* Files: choosing, dropping, saving */

static GtkFileFilter *
file_filter_new (const char         *name,
                 const char * const *mime_types,
                 const char * const *suffixes)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  for (guint i = 0; mime_types != NULL && mime_types[i] != NULL; i++)
    gtk_file_filter_add_mime_type (filter, mime_types[i]);
  for (guint i = 0; suffixes != NULL && suffixes[i] != NULL; i++)
    gtk_file_filter_add_suffix (filter, suffixes[i]);

  return filter;
}

static void
lanyard_import_dialog_set_chooser (LanyardImportDialog  *self,
                                   GtkFileChooserNative *chooser)
{
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
}

static void
on_open_chooser_response_cb (LanyardImportDialog *self,
                             int                  response,
                             GtkNativeDialog     *chooser)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  if (chooser == self->chooser)
    g_clear_object (&self->chooser);

  if (file != NULL)
    lanyard_import_dialog_open_file (self, file);
}

static void
lanyard_import_dialog_choose_file (LanyardImportDialog *self)
{
  static const char * const csv_types[] = { "text/csv", "text/comma-separated-values", "text/x-csv", NULL };
  static const char * const csv_suffixes[] = { "csv", NULL };
  static const char * const text_types[] = { "text/plain", "text/tab-separated-values", NULL };
  static const char * const text_suffixes[] = { "csv", "tsv", "txt", NULL };
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) csv = NULL;
  g_autoptr(GtkFileFilter) text = NULL;
  g_autoptr(GtkFileFilter) all = NULL;

  chooser = gtk_file_chooser_native_new (_("Choose a CSV File"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  csv = file_filter_new (_("CSV Files"), csv_types, csv_suffixes);
  text = file_filter_new (_("Text Files"), text_types, text_suffixes);
  all = file_filter_new (_("All Files"), NULL, NULL);
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), text);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (chooser), csv);

  g_signal_connect_object (chooser, "response", G_CALLBACK (on_open_chooser_response_cb), self, G_CONNECT_SWAPPED);
  lanyard_import_dialog_set_chooser (self, chooser);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
on_drop_target_drop_cb (LanyardImportDialog *self,
                        const GValue        *value,
                        double               x,
                        double               y,
                        GtkDropTarget       *target)
{
  GFile *file;

  if (!G_VALUE_HOLDS (value, G_TYPE_FILE) || self->operation != OPERATION_NONE)
    return FALSE;

  file = g_value_get_object (value);
  if (file == NULL)
    return FALSE;

  lanyard_import_dialog_open_file (self, file);
  return TRUE;
}

/* Writing a file the user chose: says where it went, or why it did not. */
static void
on_file_written_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(LanyardImportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (G_FILE (object));
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      if (!self->closing && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        lanyard_import_dialog_show_error (self, _("Could Not Save the File"), error->message);
      return;
    }

  if (self->closing)
    return;

  /* Translators: %s is a file name */
  message = g_strdup_printf (_("Saved “%s”"), name);
  lanyard_ui_toast (GTK_WIDGET (self->stack), message);
}

static void
on_failed_rows_saved_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_failed_rows_saved_by_user_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  LanyardImportDialog *self = LANYARD_IMPORT_DIALOG (object);
  GFile *file = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *message = NULL;

  if (!lanyard_import_dialog_save_failed_rows_finish (self, result, &error))
    {
      if (!self->closing && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        lanyard_import_dialog_show_error (self, _("Could Not Save the Failed Rows"), error->message);
    }
  else if (!self->closing)
    {
      /* Translators: %s is a file name */
      message = g_strdup_printf (_("Saved “%s”"), name);
      lanyard_ui_toast (GTK_WIDGET (self->stack), message);
    }

  g_object_unref (file);
}

typedef enum {
  SAVE_TEMPLATE,
  SAVE_FAILED_ROWS,
} SaveWhat;

static void
on_save_chooser_response_cb (LanyardImportDialog *self,
                             int                  response,
                             GtkNativeDialog     *chooser)
{
  SaveWhat what = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "lanyard-save-what"));
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  if (chooser == self->chooser)
    g_clear_object (&self->chooser);

  if (file == NULL)
    return;

  if (what == SAVE_TEMPLATE)
    {
      g_autoptr(GBytes) template = lanyard_import_dup_template ();

      g_file_replace_contents_bytes_async (file, template, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                           self->cancellable, on_file_written_cb, g_object_ref (self));
    }
  else
    {
      lanyard_import_dialog_save_failed_rows_to (self, file, self->cancellable,
                                                 on_failed_rows_saved_by_user_cb, g_object_ref (file));
    }
}

static void
lanyard_import_dialog_choose_save_file (LanyardImportDialog *self,
                                        SaveWhat             what,
                                        const char          *title,
                                        const char          *name)
{
  static const char * const csv_types[] = { "text/csv", NULL };
  static const char * const csv_suffixes[] = { "csv", NULL };
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) csv = NULL;
  g_autoptr(GFile) folder = NULL;

  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  csv = file_filter_new (_("CSV Files"), csv_types, csv_suffixes);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);

  /* Next to the file it comes from, where the user will look for it. */
  if (what == SAVE_FAILED_ROWS && self->file != NULL && g_file_is_native (self->file))
    folder = g_file_get_parent (self->file);
  if (folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);

  g_object_set_data (G_OBJECT (chooser), "lanyard-save-what", GINT_TO_POINTER (what));
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_save_chooser_response_cb), self, G_CONNECT_SWAPPED);
  lanyard_import_dialog_set_chooser (self, chooser);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Callbacks */

static void
on_column_row_selected_cb (LanyardImportDialog *self,
                           GParamSpec          *pspec,
                           AdwComboRow         *row)
{
  guint selected = adw_combo_row_get_selected (row);
  guint column;

  if (self->updating || self->mapping == NULL || !g_ptr_array_find (self->column_rows, row, &column))
    return;

  if (selected >= LANYARD_IMPORT_N_FIELDS)
    selected = LANYARD_IMPORT_FIELD_NONE;
  lanyard_import_mapping_set_field (self->mapping, column, selected);
  g_clear_pointer (&self->check_result, lanyard_import_result_unref);

  lanyard_import_dialog_update_mapping_message (self);
  lanyard_import_dialog_update (self);
}

static void
on_separator_row_selected_cb (LanyardImportDialog *self,
                              GParamSpec          *pspec,
                              AdwComboRow         *row)
{
  guint selected = adw_combo_row_get_selected (row);

  if (self->updating || self->table == NULL || selected >= G_N_ELEMENTS (separators) ||
      separators[selected] == lanyard_csv_table_get_separator (self->table))
    return;

  lanyard_import_dialog_read (self, self->file, self->bytes, separators[selected]);
}

static void
on_stop_import_dialog_response_cb (LanyardImportDialog *self,
                                   const char          *response,
                                   AdwMessageDialog    *dialog)
{
  /* The import may have ended meanwhile: then its results stay to be read. */
  if (g_strcmp0 (response, "stop") != 0 || self->operation != OPERATION_IMPORT)
    return;

  /*
   * The worker may be storing the people already: the dialog goes out of
   * sight now, and away once the import says how it ended, so that
   * people-imported still reaches the caller if it was too late to stop.
   */
  self->stopping = TRUE;
  g_cancellable_cancel (self->operation_cancellable);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

/* Actions */

static void
import_back_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  LanyardImportDialog *self = LANYARD_IMPORT_DIALOG (widget);

  if (!lanyard_import_dialog_can_go_back (self))
    return;

  lanyard_import_dialog_show_error (self, NULL, NULL);

  /* Back while checking drops the check. */
  if (self->operation == OPERATION_CHECK)
    {
      g_cancellable_cancel (self->operation_cancellable);
      lanyard_import_dialog_end (self);
      lanyard_import_dialog_set_page (self, PAGE_MAPPING);
    }
  else if (self->page == PAGE_PREVIEW)
    lanyard_import_dialog_set_page (self, PAGE_MAPPING);
  else if (self->page == PAGE_MAPPING)
    lanyard_import_dialog_set_page (self, PAGE_FILE);

  lanyard_import_dialog_update (self);
}

static void
import_next_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  LanyardImportDialog *self = LANYARD_IMPORT_DIALOG (widget);

  if (self->page == PAGE_FILE && self->table != NULL)
    {
      lanyard_import_dialog_show_error (self, NULL, NULL);
      lanyard_import_dialog_set_page (self, PAGE_MAPPING);
    }
  else if (self->page == PAGE_MAPPING)
    lanyard_import_dialog_check (self);
}

static void
import_import_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  lanyard_import_dialog_import (LANYARD_IMPORT_DIALOG (widget));
}

static void
import_cancel_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  LanyardImportDialog *self = LANYARD_IMPORT_DIALOG (widget);

  /* Cancel stops an import under way (nothing is written), and otherwise closes. */
  if (self->operation == OPERATION_IMPORT)
    g_cancellable_cancel (self->operation_cancellable);
  else
    gtk_window_close (GTK_WINDOW (self));
}

static void
import_close_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
import_choose_file_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *param)
{
  lanyard_import_dialog_choose_file (LANYARD_IMPORT_DIALOG (widget));
}

static void
import_download_template_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *param)
{
  lanyard_import_dialog_choose_save_file (LANYARD_IMPORT_DIALOG (widget), SAVE_TEMPLATE,
                                          _("Save the Template"),
                                          /* Translators: the file name the template is offered under */
                                          _("people-template.csv"));
}

static void
import_save_failed_rows_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *param)
{
  LanyardImportDialog *self = LANYARD_IMPORT_DIALOG (widget);
  g_autofree char *stem = NULL;
  g_autofree char *name = NULL;
  const char *dot;

  if (self->result == NULL)
    return;

  dot = strrchr (self->file_name, '.');
  stem = g_strndup (self->file_name, dot != NULL && dot != self->file_name ? (gsize)(dot - self->file_name) : strlen (self->file_name));
  /* Translators: the file name the failed rows are offered under; %s is the imported file's name without its extension */
  name = g_strdup_printf (_("%s-failed.csv"), stem);

  lanyard_import_dialog_choose_save_file (self, SAVE_FAILED_ROWS, _("Save the Failed Rows"), name);
}

static void
import_apply_mapping_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *param)
{
  lanyard_import_dialog_apply_mapping (LANYARD_IMPORT_DIALOG (widget), g_variant_get_string (param, NULL));
}

static void
import_save_mapping_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *param)
{
  lanyard_import_dialog_ask_mapping_name (LANYARD_IMPORT_DIALOG (widget));
}

static void
import_no_saved_mappings_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *param)
{
  /* Only gives the "No Saved Mappings" menu row an action to show as disabled; it is never enabled. */
}

static void
import_dismiss_error_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *param)
{
  lanyard_import_dialog_show_error (LANYARD_IMPORT_DIALOG (widget), NULL, NULL);
}

/* GtkWindow */

static gboolean
lanyard_import_dialog_close_request (GtkWindow *window)
{
  LanyardImportDialog *self = LANYARD_IMPORT_DIALOG (window);

  /* Closing during an import stops it: ask first. */
  if (self->operation == OPERATION_IMPORT && !self->closing)
    {
      AdwMessageDialog *dialog;

      dialog = lanyard_ui_confirm_dialog_new (GTK_WIDGET (self),
                                              _("Stop the Import?"),
                                              _("No one from this file will be added. You can import it again later."),
                                              _("_Continue Importing"),
                                              "stop", _("_Stop Import"));
      g_signal_connect_object (dialog, "response", G_CALLBACK (on_stop_import_dialog_response_cb), self, G_CONNECT_SWAPPED);
      g_set_weak_pointer (&self->stop_dialog, GTK_WIDGET (dialog));
      gtk_window_present (GTK_WINDOW (dialog));
      return TRUE;
    }

  self->closing = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->operation_cancellable);

  return GTK_WINDOW_CLASS (lanyard_import_dialog_parent_class)->close_request (window);
}

/* GObject */

static void
lanyard_import_dialog_constructed (GObject *object)
{
  LanyardImportDialog *self = LANYARD_IMPORT_DIALOG (object);
  g_autofree char *description = NULL;

  G_OBJECT_CLASS (lanyard_import_dialog_parent_class)->constructed (object);

  g_assert (LANYARD_IS_STORE (self->store));
  g_assert (LANYARD_IS_FACILITY (self->facility));

  /* Translators: on the first page of the import; %u is the most people one import may hold (200) */
  description = g_strdup_printf (_("Choose a CSV file with a header row and one person per row, or drop it here. "
                                   "Up to %u people can be imported at once."),
                                 LANYARD_IMPORT_MAX_ROWS);
  adw_status_page_set_description (self->file_page, description);

  lanyard_import_dialog_update_invitation (self);
  lanyard_import_dialog_update (self);
  gtk_widget_grab_focus (self->choose_file_button);
}

static void
lanyard_import_dialog_dispose (GObject *object)
{
  LanyardImportDialog *self = LANYARD_IMPORT_DIALOG (object);

  self->closing = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->operation_cancellable);
  g_clear_handle_id (&self->progress_source, g_source_remove);
  lanyard_import_dialog_set_chooser (self, NULL);
  g_clear_weak_pointer (&self->stop_dialog);

  gtk_widget_dispose_template (GTK_WIDGET (self), LANYARD_TYPE_IMPORT_DIALOG);

  g_clear_object (&self->store);
  g_clear_object (&self->facility);

  G_OBJECT_CLASS (lanyard_import_dialog_parent_class)->dispose (object);
}

static void
lanyard_import_dialog_finalize (GObject *object)
{
  LanyardImportDialog *self = LANYARD_IMPORT_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->operation_cancellable);
  g_clear_object (&self->field_labels);
  g_clear_object (&self->saved_mappings_menu);
  g_clear_object (&self->file);
  g_clear_pointer (&self->column_rows, g_ptr_array_unref);
  g_clear_pointer (&self->rows_by_line, g_hash_table_unref);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->table, lanyard_csv_table_unref);
  g_clear_pointer (&self->headers, g_strfreev);
  g_clear_pointer (&self->mapping, lanyard_import_mapping_free);
  g_clear_pointer (&self->check_result, lanyard_import_result_unref);
  g_clear_pointer (&self->result, lanyard_import_result_unref);
  g_free (self->file_name);
  g_free (self->mappings_path);

  G_OBJECT_CLASS (lanyard_import_dialog_parent_class)->finalize (object);
}

static void
lanyard_import_dialog_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  LanyardImportDialog *self = LANYARD_IMPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_FACILITY:
      g_value_set_object (value, self->facility);
      break;

    case PROP_CAN_SEND_INVITATIONS:
      g_value_set_boolean (value, self->can_send_invitations);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_import_dialog_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  LanyardImportDialog *self = LANYARD_IMPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_FACILITY:
      self->facility = g_value_dup_object (value);
      break;

    case PROP_CAN_SEND_INVITATIONS:
      lanyard_import_dialog_set_can_send_invitations (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_import_dialog_class_init (LanyardImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = lanyard_import_dialog_constructed;
  object_class->dispose = lanyard_import_dialog_dispose;
  object_class->finalize = lanyard_import_dialog_finalize;
  object_class->get_property = lanyard_import_dialog_get_property;
  object_class->set_property = lanyard_import_dialog_set_property;

  window_class->close_request = lanyard_import_dialog_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         LANYARD_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_FACILITY] =
    g_param_spec_object ("facility", NULL, NULL,
                         LANYARD_TYPE_FACILITY,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  /* Whether mail can go out (a server with a mail relay): only then can "Send invitations" be chosen. */
  properties[PROP_CAN_SEND_INVITATIONS] =
    g_param_spec_boolean ("can-send-invitations", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PEOPLE_IMPORTED] =
    g_signal_new ("people-imported",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, LANYARD_TYPE_IMPORT_RESULT);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/lanyard/Lanyard/lanyard-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, next_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, import_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, done_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, error_row);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, file_page);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, choose_file_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, mapping_page);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, mapping_message_revealer);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, mapping_message_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, file_row);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, separator_row);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, saved_mappings_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, columns_list);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, working_page);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, preview_page);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, preview_import_count_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, preview_import_caption_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, preview_skip_count_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, preview_skip_caption_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, preview_error_count_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, preview_error_caption_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, invitation_row);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, invitation_switch);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, preview_hint_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, preview_scroller);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, results_page);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, imported_count_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, skipped_count_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, errors_count_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, not_imported_group);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, save_failed_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, not_imported_list);
  gtk_widget_class_bind_template_child (widget_class, LanyardImportDialog, preview_detail_label);

  gtk_widget_class_bind_template_callback (widget_class, on_separator_row_selected_cb);

  gtk_widget_class_install_action (widget_class, "import.back", NULL, import_back_action);
  gtk_widget_class_install_action (widget_class, "import.next", NULL, import_next_action);
  gtk_widget_class_install_action (widget_class, "import.import", NULL, import_import_action);
  gtk_widget_class_install_action (widget_class, "import.cancel", NULL, import_cancel_action);
  gtk_widget_class_install_action (widget_class, "import.done", NULL, import_close_action);
  gtk_widget_class_install_action (widget_class, "import.close", NULL, import_close_action);
  gtk_widget_class_install_action (widget_class, "import.choose-file", NULL, import_choose_file_action);
  gtk_widget_class_install_action (widget_class, "import.download-template", NULL, import_download_template_action);
  gtk_widget_class_install_action (widget_class, "import.save-failed-rows", NULL, import_save_failed_rows_action);
  gtk_widget_class_install_action (widget_class, "import.apply-mapping", "s", import_apply_mapping_action);
  gtk_widget_class_install_action (widget_class, "import.save-mapping", NULL, import_save_mapping_action);
  gtk_widget_class_install_action (widget_class, "import.no-saved-mappings", NULL, import_no_saved_mappings_action);
  gtk_widget_class_install_action (widget_class, "import.dismiss-error", NULL, import_dismiss_error_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "import.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "import.choose-file", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "import.back", NULL);
}

static void
lanyard_import_dialog_init (LanyardImportDialog *self)
{
  g_autoptr(GMenu) menu = NULL;
  g_autoptr(GMenu) save_section = NULL;
  GtkDropTarget *drop_target;

  self->cancellable = g_cancellable_new ();
  self->column_rows = g_ptr_array_new ();
  self->rows_by_line = g_hash_table_new (NULL, NULL);
  self->mappings_path = lanyard_import_dup_mappings_path ();
  self->page = PAGE_FILE;

  self->field_labels = gtk_string_list_new (NULL);
  for (guint field = 0; field < LANYARD_IMPORT_N_FIELDS; field++)
    gtk_string_list_append (self->field_labels, lanyard_import_field_get_label (field));

  gtk_widget_init_template (GTK_WIDGET (self));

  menu = g_menu_new ();
  save_section = g_menu_new ();
  self->saved_mappings_menu = g_menu_new ();
  g_menu_append (save_section, _("_Save Mapping…"), "import.save-mapping");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (self->saved_mappings_menu));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (save_section));
  gtk_menu_button_set_menu_model (self->saved_mappings_button, G_MENU_MODEL (menu));

  /* A file dropped on the first page is read as if it had been chosen. */
  drop_target = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect_object (drop_target, "drop", G_CALLBACK (on_drop_target_drop_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->file_page), GTK_EVENT_CONTROLLER (drop_target));
}

LanyardImportDialog *
lanyard_import_dialog_new (GtkWindow       *parent,
                           LanyardStore    *store,
                           LanyardFacility *facility)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (LANYARD_IS_STORE (store), NULL);
  g_return_val_if_fail (LANYARD_IS_FACILITY (facility), NULL);

  return g_object_new (LANYARD_TYPE_IMPORT_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "store", store,
                       "facility", facility,
                       NULL);
}

gboolean
lanyard_import_dialog_get_can_send_invitations (LanyardImportDialog *self)
{
  g_return_val_if_fail (LANYARD_IS_IMPORT_DIALOG (self), FALSE);

  return self->can_send_invitations;
}

void
lanyard_import_dialog_set_can_send_invitations (LanyardImportDialog *self,
                                                gboolean             can_send_invitations)
{
  g_return_if_fail (LANYARD_IS_IMPORT_DIALOG (self));

  can_send_invitations = !!can_send_invitations;
  if (self->can_send_invitations == can_send_invitations)
    return;

  self->can_send_invitations = can_send_invitations;
  lanyard_import_dialog_update_invitation (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_SEND_INVITATIONS]);
}

gboolean
lanyard_import_dialog_get_send_invitations (LanyardImportDialog *self)
{
  g_return_val_if_fail (LANYARD_IS_IMPORT_DIALOG (self), FALSE);

  return self->send_invitations;
}

void
lanyard_import_dialog_open_file (LanyardImportDialog *self,
                                 GFile               *file)
{
  g_return_if_fail (LANYARD_IS_IMPORT_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  /* Only on the first page: later, a new file would silently drop the columns matched. */
  if (self->page != PAGE_FILE || self->operation != OPERATION_NONE)
    return;

  lanyard_import_dialog_read (self, file, NULL, 0);
}

LanyardImportResult *
lanyard_import_dialog_get_result (LanyardImportDialog *self)
{
  g_return_val_if_fail (LANYARD_IS_IMPORT_DIALOG (self), NULL);

  return self->result;
}

void
lanyard_import_dialog_save_failed_rows_to (LanyardImportDialog *self,
                                           GFile               *file,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (LANYARD_IS_IMPORT_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_import_dialog_save_failed_rows_to);

  if (self->result == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", _("Nothing was imported yet."));
      return;
    }

  bytes = lanyard_import_result_dup_failed_csv (self->result, self->table);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       cancellable, on_failed_rows_saved_cb, g_steal_pointer (&task));
}

gboolean
lanyard_import_dialog_save_failed_rows_finish (LanyardImportDialog  *self,
                                               GAsyncResult         *result,
                                               GError              **error)
{
  g_return_val_if_fail (LANYARD_IS_IMPORT_DIALOG (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lanyard_import_dialog_save_failed_rows_to, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
