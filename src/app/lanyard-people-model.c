/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include "lanyard-people-model.h"

/*
 * Pages come from keyset cursors, so they can only be read in order: the
 * rows fetched are always a prefix of the query's result, kept in one flat
 * array, followed by at most a page of placeholders. Reading a row ahead
 * of that prefix asks for the pages up to it and one more, so the next page
 * is usually in before the view scrolls there.
 */

struct _LanyardPeopleModel
{
  GObject             parent_instance;

  LanyardStore       *store;

  LanyardPeopleQuery *query;            /* what the rows are of; NULL when cleared */
  GPtrArray          *people;           /* LanyardPerson: the pages fetched so far */
  char               *next_cursor;
  guint               n_expected;
  guint               n_wanted;         /* fetch until this many people are in */
  GHashTable         *placeholders;     /* position → LanyardPerson, for rows not fetched yet */

  /* A new query waiting for its first page; the old rows stay until then. */
  LanyardPeopleQuery *pending;
  guint               pending_expected;

  GCancellable       *cancellable;      /* the fetch in flight, if any */

  guint               complete : 1;
  guint               failed : 1;       /* the last fetch failed: no more until a new query */
  guint               notified_loading : 1;
  guint               notified_complete : 1;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_LOADING,
  PROP_COMPLETE,
  N_PROPS
};

enum {
  LOAD_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LanyardPeopleModel, lanyard_people_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

typedef struct {
  LanyardPeopleModel *self;
  GCancellable       *cancellable;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_clear_object (&fetch->self);
  g_clear_object (&fetch->cancellable);
  g_free (fetch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fetch, fetch_free)

/*
 * The rows fetched and, while more are to come, one page of stand-ins
 * after them (fewer when the count expected says the query ends sooner).
 * Reading a stand-in fetches up to it, so the list grows as it is
 * scrolled. The list never claims a million rows up front: GTK's list
 * widgets visit every row added by a change (GtkListItemManager asks for
 * each item), which for a million rows took seconds and hundreds of
 * megabytes of stand-ins, measured with bench/lanyard-app-bench.
 */
static guint
lanyard_people_model_count (LanyardPeopleModel *self)
{
  guint more = LANYARD_PEOPLE_MODEL_PAGE_SIZE;

  if (self->query == NULL)
    return 0;

  if (self->complete)
    return self->people->len;

  if (self->n_expected > self->people->len)
    more = MIN (more, self->n_expected - self->people->len);

  return self->people->len + more;
}

/* Notifies loading and complete when they changed since last told. */
static void
lanyard_people_model_notify_state (LanyardPeopleModel *self)
{
  gboolean loading = self->pending != NULL;
  gboolean complete = self->complete;

  if (loading != self->notified_loading)
    {
      self->notified_loading = loading;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
    }

  if (complete != self->notified_complete)
    {
      self->notified_complete = complete;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
    }
}

static void on_page_fetched_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data);

static void
lanyard_people_model_start_fetch (LanyardPeopleModel       *self,
                                  const LanyardPeopleQuery *query,
                                  const char               *cursor)
{
  Fetch *fetch;

  g_assert (self->cancellable == NULL);

  self->cancellable = g_cancellable_new ();

  fetch = g_new0 (Fetch, 1);
  fetch->self = g_object_ref (self);
  fetch->cancellable = g_object_ref (self->cancellable);

  lanyard_store_query_people_async (self->store, query, cursor, LANYARD_PEOPLE_MODEL_PAGE_SIZE,
                                    self->cancellable, on_page_fetched_cb, fetch);
}

static void
lanyard_people_model_cancel (LanyardPeopleModel *self)
{
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
}

/* Fetches the next page if the view wants rows beyond those in. */
static void
lanyard_people_model_fetch_more (LanyardPeopleModel *self)
{
  if (self->cancellable != NULL ||
      self->pending != NULL ||
      self->query == NULL ||
      self->complete ||
      self->failed ||
      self->people->len >= self->n_wanted)
    return;

  lanyard_people_model_start_fetch (self, self->query, self->next_cursor);
}

/* The object the view has at @position in these arrays, if it asked for one; borrowed. */
static LanyardPerson *
shown_at (GPtrArray  *people,
          GHashTable *placeholders,
          guint       position)
{
  if (position < people->len)
    return g_ptr_array_index (people, position);

  return g_hash_table_lookup (placeholders, GUINT_TO_POINTER (position));
}

/*
 * Puts @person after the rows fetched. When the view already has an object
 * at that position (a placeholder), that object takes @person's values
 * instead: the view keeps its row widget and the row updates itself.
 */
static void
lanyard_people_model_append_person (LanyardPeopleModel *self,
                                    LanyardPerson      *person)
{
  gpointer position = GUINT_TO_POINTER (self->people->len);
  LanyardPerson *shown = g_hash_table_lookup (self->placeholders, position);

  if (shown != NULL)
    {
      lanyard_person_assign (shown, person);
      g_ptr_array_add (self->people, g_object_ref (shown));
      g_hash_table_remove (self->placeholders, position);
    }
  else
    g_ptr_array_add (self->people, g_object_ref (person));
}

static void
lanyard_people_model_take_cursor (LanyardPeopleModel *self,
                                  LanyardPeoplePage  *page)
{
  g_free (self->next_cursor);
  self->next_cursor = g_steal_pointer (&page->next_cursor);
  self->complete = self->next_cursor == NULL;
}

/* Tells the view that the count went from @old_n to @new_n; rows before both kept their objects. */
static void
lanyard_people_model_count_changed (LanyardPeopleModel *self,
                                    guint               old_n,
                                    guint               new_n)
{
  GHashTableIter iter;
  gpointer key;

  /* Placeholders past the end are the view's no more. */
  g_hash_table_iter_init (&iter, self->placeholders);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (GPOINTER_TO_UINT (key) >= new_n)
      g_hash_table_iter_remove (&iter);

  if (old_n < new_n)
    g_list_model_items_changed (G_LIST_MODEL (self), old_n, 0, new_n - old_n);
  else if (old_n > new_n)
    g_list_model_items_changed (G_LIST_MODEL (self), new_n, old_n - new_n, 0);
}

/*
 * The first page of a new query. Every row the view has keeps its object,
 * which takes the values of the person now at its position (or becomes a
 * placeholder): GTK 4.8's list widgets make a new row widget for every new
 * item object, which cost more than the store's answer (measured with
 * bench/lanyard-app-bench: most of a keystroke's time at a million
 * people). Only the rows past the shorter of the two lists come and go.
 */
static void
lanyard_people_model_replace (LanyardPeopleModel *self,
                              LanyardPeoplePage  *page)
{
  /* The count the view knows: the old query's. */
  guint old_n = lanyard_people_model_count (self);
  g_autoptr(GPtrArray) old_people = g_steal_pointer (&self->people);
  g_autoptr(GHashTable) old_placeholders = g_steal_pointer (&self->placeholders);
  guint new_n;

  self->people = g_ptr_array_new_with_free_func (g_object_unref);
  self->placeholders = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);

  g_clear_pointer (&self->query, lanyard_people_query_free);
  self->query = g_steal_pointer (&self->pending);
  self->n_expected = self->pending_expected;
  self->n_wanted = LANYARD_PEOPLE_MODEL_PAGE_SIZE;

  for (guint i = 0; i < page->people->len; i++)
    {
      LanyardPerson *person = g_ptr_array_index (page->people, i);
      LanyardPerson *shown = i < old_n ? shown_at (old_people, old_placeholders, i) : NULL;

      if (shown != NULL)
        lanyard_person_assign (shown, person);
      g_ptr_array_add (self->people, g_object_ref (shown != NULL ? shown : person));
    }
  lanyard_people_model_take_cursor (self, page);

  /* The view's objects past the new page become the new list's placeholders. */
  new_n = lanyard_people_model_count (self);
  for (guint i = self->people->len; i < MIN (old_n, new_n); i++)
    {
      LanyardPerson *shown = shown_at (old_people, old_placeholders, i);

      if (shown != NULL)
        {
          lanyard_person_assign (shown, NULL);
          g_hash_table_insert (self->placeholders, GUINT_TO_POINTER (i), g_object_ref (shown));
        }
    }

  /* old_people and old_placeholders go with the objects no row has any more. */
  lanyard_people_model_count_changed (self, old_n, new_n);
}

static void
on_page_fetched_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Fetch) fetch = user_data;
  LanyardPeopleModel *self = fetch->self;
  g_autoptr(LanyardPeoplePage) page = NULL;
  g_autoptr(GError) error = NULL;
  guint old_n;

  page = lanyard_store_query_people_finish (LANYARD_STORE (object), result, &error);

  /* Superseded by a newer query (or cleared): its own fetch is in charge now. */
  if (g_cancellable_is_cancelled (fetch->cancellable))
    return;

  g_assert (self->cancellable == fetch->cancellable);
  g_clear_object (&self->cancellable);

  if (page == NULL)
    {
      /* Keep what is shown; the view asking again must not retry in a loop. */
      g_clear_pointer (&self->pending, lanyard_people_query_free);
      self->failed = TRUE;
      lanyard_people_model_notify_state (self);
      g_signal_emit (self, signals[LOAD_FAILED], 0, error);
      return;
    }

  if (self->pending != NULL)
    lanyard_people_model_replace (self, page);
  else
    {
      /* The next page fills the placeholders after the rows in, in place. */
      old_n = lanyard_people_model_count (self);
      for (guint i = 0; i < page->people->len; i++)
        lanyard_people_model_append_person (self, g_ptr_array_index (page->people, i));
      lanyard_people_model_take_cursor (self, page);
      lanyard_people_model_count_changed (self, old_n, lanyard_people_model_count (self));
    }

  lanyard_people_model_fetch_more (self);
  lanyard_people_model_notify_state (self);
}


static GType
lanyard_people_model_get_item_type (GListModel *model)
{
  return LANYARD_TYPE_PERSON;
}

static guint
lanyard_people_model_get_n_items (GListModel *model)
{
  return lanyard_people_model_count (LANYARD_PEOPLE_MODEL (model));
}

static gpointer
lanyard_people_model_get_item (GListModel *model,
                               guint       position)
{
  LanyardPeopleModel *self = LANYARD_PEOPLE_MODEL (model);
  LanyardPerson *placeholder;

  if (position >= lanyard_people_model_count (self))
    return NULL;

  /* The pages up to this row, and one more. Not while the rows belong to a query being replaced. */
  if (self->pending == NULL)
    {
      guint wanted = (position / LANYARD_PEOPLE_MODEL_PAGE_SIZE + 2) * LANYARD_PEOPLE_MODEL_PAGE_SIZE;

      if (wanted > self->n_wanted)
        {
          self->n_wanted = wanted;
          /* Starts the fetch only: the answer comes later, never inside this call. */
          lanyard_people_model_fetch_more (self);
        }
    }

  if (position < self->people->len)
    return g_object_ref (g_ptr_array_index (self->people, position));

  /* One object per row: GTK's list widgets tell items apart by identity. */
  placeholder = g_hash_table_lookup (self->placeholders, GUINT_TO_POINTER (position));
  if (placeholder == NULL)
    {
      placeholder = lanyard_person_new ();
      g_hash_table_insert (self->placeholders, GUINT_TO_POINTER (position), placeholder);
    }

  return g_object_ref (placeholder);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = lanyard_people_model_get_item_type;
  iface->get_n_items = lanyard_people_model_get_n_items;
  iface->get_item = lanyard_people_model_get_item;
}

static void
lanyard_people_model_dispose (GObject *object)
{
  LanyardPeopleModel *self = LANYARD_PEOPLE_MODEL (object);

  lanyard_people_model_cancel (self);

  G_OBJECT_CLASS (lanyard_people_model_parent_class)->dispose (object);
}

static void
lanyard_people_model_finalize (GObject *object)
{
  LanyardPeopleModel *self = LANYARD_PEOPLE_MODEL (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->query, lanyard_people_query_free);
  g_clear_pointer (&self->pending, lanyard_people_query_free);
  g_clear_pointer (&self->people, g_ptr_array_unref);
  g_clear_pointer (&self->placeholders, g_hash_table_unref);
  g_clear_pointer (&self->next_cursor, g_free);

  G_OBJECT_CLASS (lanyard_people_model_parent_class)->finalize (object);
}

static void
lanyard_people_model_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  LanyardPeopleModel *self = LANYARD_PEOPLE_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, lanyard_people_model_get_loading (self));
      break;

    case PROP_COMPLETE:
      g_value_set_boolean (value, lanyard_people_model_get_complete (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_people_model_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  LanyardPeopleModel *self = LANYARD_PEOPLE_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_people_model_class_init (LanyardPeopleModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lanyard_people_model_dispose;
  object_class->finalize = lanyard_people_model_finalize;
  object_class->get_property = lanyard_people_model_get_property;
  object_class->set_property = lanyard_people_model_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         LANYARD_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_COMPLETE] =
    g_param_spec_boolean ("complete", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LanyardPeopleModel::load-failed:
   * @error: what the store said
   *
   * A page could not be read. The rows already in stay.
   */
  signals[LOAD_FAILED] =
    g_signal_new ("load-failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
lanyard_people_model_init (LanyardPeopleModel *self)
{
  self->people = g_ptr_array_new_with_free_func (g_object_unref);
  self->placeholders = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
}

LanyardPeopleModel *
lanyard_people_model_new (LanyardStore *store)
{
  g_return_val_if_fail (LANYARD_IS_STORE (store), NULL);

  return g_object_new (LANYARD_TYPE_PEOPLE_MODEL,
                       "store", store,
                       NULL);
}

LanyardStore *
lanyard_people_model_get_store (LanyardPeopleModel *self)
{
  g_return_val_if_fail (LANYARD_IS_PEOPLE_MODEL (self), NULL);

  return self->store;
}

const LanyardPeopleQuery *
lanyard_people_model_get_query (LanyardPeopleModel *self)
{
  g_return_val_if_fail (LANYARD_IS_PEOPLE_MODEL (self), NULL);

  return self->pending != NULL ? self->pending : self->query;
}

void
lanyard_people_model_set_query (LanyardPeopleModel       *self,
                                const LanyardPeopleQuery *query,
                                guint                     n_expected)
{
  g_return_if_fail (LANYARD_IS_PEOPLE_MODEL (self));
  g_return_if_fail (query != NULL);

  lanyard_people_model_cancel (self);

  g_clear_pointer (&self->pending, lanyard_people_query_free);
  self->pending = lanyard_people_query_copy (query);
  self->pending_expected = n_expected;
  self->failed = FALSE;

  lanyard_people_model_start_fetch (self, self->pending, NULL);
  lanyard_people_model_notify_state (self);
}

void
lanyard_people_model_clear (LanyardPeopleModel *self)
{
  guint old_n;

  g_return_if_fail (LANYARD_IS_PEOPLE_MODEL (self));

  lanyard_people_model_cancel (self);

  old_n = lanyard_people_model_count (self);

  g_clear_pointer (&self->pending, lanyard_people_query_free);
  g_clear_pointer (&self->query, lanyard_people_query_free);
  g_clear_pointer (&self->next_cursor, g_free);
  g_ptr_array_set_size (self->people, 0);
  g_hash_table_remove_all (self->placeholders);
  self->complete = FALSE;
  self->failed = FALSE;
  self->n_expected = 0;
  self->n_wanted = 0;

  if (old_n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, 0);

  lanyard_people_model_notify_state (self);
}

gboolean
lanyard_people_model_get_loading (LanyardPeopleModel *self)
{
  g_return_val_if_fail (LANYARD_IS_PEOPLE_MODEL (self), FALSE);

  return self->pending != NULL;
}

gboolean
lanyard_people_model_get_complete (LanyardPeopleModel *self)
{
  g_return_val_if_fail (LANYARD_IS_PEOPLE_MODEL (self), FALSE);

  return self->complete;
}

guint
lanyard_people_model_find_person (LanyardPeopleModel *self,
                                  gint64              person_id)
{
  g_return_val_if_fail (LANYARD_IS_PEOPLE_MODEL (self), G_MAXUINT);

  /* The rows of a query being replaced are still the ones shown. */
  for (guint i = 0; i < self->people->len; i++)
    if (lanyard_person_get_id (g_ptr_array_index (self->people, i)) == person_id)
      return i;

  return G_MAXUINT;
}

gboolean
lanyard_people_model_update_person (LanyardPeopleModel *self,
                                    LanyardPerson      *person)
{
  guint position;

  g_return_val_if_fail (LANYARD_IS_PEOPLE_MODEL (self), FALSE);
  g_return_val_if_fail (LANYARD_IS_PERSON (person), FALSE);

  position = lanyard_people_model_find_person (self, lanyard_person_get_id (person));
  if (position == G_MAXUINT)
    return FALSE;

  /* The row's object takes the new values; its row updates itself. */
  lanyard_person_assign (g_ptr_array_index (self->people, position), person);

  return TRUE;
}

gboolean
lanyard_people_model_remove_person (LanyardPeopleModel *self,
                                    gint64              person_id)
{
  g_autoptr(GHashTable) placeholders = NULL;
  GHashTableIter iter;
  gpointer key, value;
  guint position;

  g_return_val_if_fail (LANYARD_IS_PEOPLE_MODEL (self), FALSE);

  position = lanyard_people_model_find_person (self, person_id);
  if (position == G_MAXUINT)
    return FALSE;

  g_ptr_array_remove_index (self->people, position);
  if (self->n_expected > 0)
    self->n_expected--;

  /* Rows not fetched yet move up by one, keeping their objects. */
  placeholders = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  g_hash_table_iter_init (&iter, self->placeholders);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint at = GPOINTER_TO_UINT (key);

      g_hash_table_iter_steal (&iter);
      if (at > position)
        g_hash_table_insert (placeholders, GUINT_TO_POINTER (at - 1), value);
      else
        g_object_unref (value);
    }
  g_clear_pointer (&self->placeholders, g_hash_table_unref);
  self->placeholders = g_steal_pointer (&placeholders);

  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);

  return TRUE;
}
