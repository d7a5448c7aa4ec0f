/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Lanyard"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lanyard-demo.h"

/*
 * Names from the places a European or North American facility's members
 * come from, with the accents and scripts that search and sorting must
 * handle. Combined freely: 160 × 160 names.
 */
static const char * const first_names[] = {
  "Anna", "Lukas", "Sofia", "Noah", "Emma", "Liam", "Mia", "Jonas", "Lea", "Paul",
  "Ella", "Ben", "Lina", "Finn", "Marta", "Zoë", "Mateo", "Chloé", "Léa", "Hugo",
  "Jürgen", "Björn", "Søren", "Åsa", "Ingrid", "Olav", "Freja", "Malte", "Jörg", "Günther",
  "Łukasz", "Agnieszka", "Wojciech", "Małgorzata", "Tomáš", "Zuzana", "Jiří", "Petra", "Dávid", "Réka",
  "María", "José", "Lucía", "Álvaro", "Inés", "João", "Conceição", "Gonçalo", "Beatriz", "Tiago",
  "Giulia", "Matteo", "Francesca", "Lorenzo", "Chiara", "Alessandro", "Aurora", "Niccolò", "Giorgia", "Pietro",
  "Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Grace", "Charlie", "Freya",
  "James", "Olivia", "William", "Charlotte", "Elijah", "Harper", "Lucas", "Evelyn", "Mason", "Abigail",
  "Mohammed", "Fatima", "Ahmed", "Aisha", "Omar", "Layla", "Yusuf", "Mariam", "Ali", "Zainab",
  "Mehmet", "Ayşe", "Mustafa", "Elif", "Emre", "Zeynep", "Burak", "Selin", "Can", "Defne",
  "Wei", "Mei", "Jun", "Xiu", "Hiroshi", "Yuki", "Haruto", "Sakura", "Min-jun", "Seo-yeon",
  "Arjun", "Priya", "Rohan", "Ananya", "Vikram", "Diya", "Kiran", "Meera", "Rahul", "Sanjana",
  "Kwame", "Ama", "Chidi", "Ngozi", "Tunde", "Ife", "Kofi", "Abena", "Sipho", "Thandiwe",
  "Dmitri", "Olga", "Ivan", "Natalia", "Sergei", "Tatiana", "Nikolai", "Irina", "Andrei", "Svetlana",
  "Eero", "Aino", "Matti", "Siiri", "Jānis", "Līga", "Tõnu", "Kärt", "Gintaras", "Rūta",
  "Nikos", "Eleni", "Giorgos", "Katerina", "Stefan", "Ioana", "Bogdan", "Milica", "Luka", "Ana",
};

static const char * const last_names[] = {
  "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Schäfer",
  "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun",
  "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
  "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White",
  "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Bonnet", "Rousseau", "Fournier", "Mercier", "Faure",
  "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
  "García", "Fernández", "González", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Muñoz", "Jiménez",
  "Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Gonçalves", "Almeida", "Carvalho",
  "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Woźniak",
  "Novák", "Svoboda", "Dvořák", "Černý", "Procházka", "Nagy", "Kovács", "Tóth", "Szabó", "Horváth",
  "Jensen", "Nielsen", "Hansen", "Andersen", "Pedersen", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Ørsted",
  "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "Özdemir", "Arslan", "Doğan",
  "Khan", "Ahmed", "Hussain", "Rahman", "Hassan", "Ibrahim", "Haddad", "Nasser", "Mansour", "Saleh",
  "Wang", "Li", "Zhang", "Liu", "Chen", "Tanaka", "Suzuki", "Sato", "Kim", "Park",
  "Patel", "Sharma", "Singh", "Kumar", "Gupta", "Okafor", "Mensah", "Adeyemi", "Nkosi", "Boateng",
  "Ivanov", "Petrov", "Smirnov", "Popescu", "Ionescu", "Papadopoulos", "Virtanen", "Korhonen", "Bērziņš", "Kazlauskas",
};

static const char * const email_domains[] = {
  "example.com", "example.org", "example.net", "mail.example", "post.example",
};

/* Doors of a mid-sized sports club, and how they are grouped. */
static const char * const door_names[] = {
  "Main entrance", "Side entrance", "Reception", "Gym floor", "Free weights", "Cardio zone",
  "Studio 1", "Studio 2", "Spin studio", "Pool", "Sauna", "Steam room",
  "Locker room north", "Locker room south", "Kids club", "Climbing wall", "Roof terrace",
  "Bike storage", "Staff room", "Server room", "Storage", "Physio room", "Café", "Car park gate",
};

typedef struct {
  const char *name;
  const char *doors[8];
} ScopeSpec;

static const ScopeSpec scopes[] = {
  { "Fitness", { "Gym floor", "Free weights", "Cardio zone", "Locker room north", "Locker room south", NULL } },
  { "Classes", { "Studio 1", "Studio 2", "Spin studio", NULL } },
  { "Wellness", { "Pool", "Sauna", "Steam room", NULL } },
  { "Entrances", { "Main entrance", "Side entrance", "Car park gate", NULL } },
  { "Staff only", { "Staff room", "Server room", "Storage", NULL } },
  { "Family", { "Kids club", "Pool", "Café", NULL } },
};

typedef struct {
  const char           *name;
  LanyardRuleCondition  condition;
  const char           *value;
  LanyardRuleTarget     target;
  const char           *targets[4];
  const char           *schedule;
  gboolean              enabled;
} RuleSpec;

static const RuleSpec rules[] = {
  { "Gold members", LANYARD_RULE_CONDITION_PERSON_TYPE, "Gold", LANYARD_RULE_TARGET_ALL_DOORS, { NULL },
    "daily 05:30-23:30", TRUE },
  { "Silver members", LANYARD_RULE_CONDITION_PERSON_TYPE, "Silver", LANYARD_RULE_TARGET_SCOPES,
    { "Entrances", "Fitness", "Classes", NULL }, "mon-fri 06:00-22:00; sat,sun 08:00-20:00", TRUE },
  { "Bronze members", LANYARD_RULE_CONDITION_PERSON_TYPE, "Bronze", LANYARD_RULE_TARGET_SCOPES,
    { "Entrances", "Fitness", NULL }, "mon-fri 09:00-16:00", TRUE },
  { "Trial week", LANYARD_RULE_CONDITION_PERSON_TYPE, "Trial", LANYARD_RULE_TARGET_DOORS,
    { "Main entrance", "Gym floor", "Locker room north", NULL }, "daily 09:00-18:00", TRUE },
  { "Staff", LANYARD_RULE_CONDITION_PERSON_TYPE, "Staff", LANYARD_RULE_TARGET_ALL_DOORS, { NULL }, NULL, TRUE },
  { "Students off-peak", LANYARD_RULE_CONDITION_PERSON_TYPE, "Student", LANYARD_RULE_TARGET_SCOPES,
    { "Entrances", "Fitness", NULL }, "mon-fri 10:00-15:00", TRUE },
  { "Wellness add-on", LANYARD_RULE_CONDITION_TAG, "wellness", LANYARD_RULE_TARGET_SCOPES,
    { "Wellness", NULL }, "daily 07:00-22:00", TRUE },
  { "Family add-on", LANYARD_RULE_CONDITION_TAG, "family", LANYARD_RULE_TARGET_SCOPES,
    { "Family", NULL }, "sat,sun 09:00-17:00", TRUE },
  { "Climbing team", LANYARD_RULE_CONDITION_TAG, "climbing", LANYARD_RULE_TARGET_DOORS,
    { "Climbing wall", NULL }, "tue,thu 18:00-22:00", TRUE },
  { "Expired grace period", LANYARD_RULE_CONDITION_MEMBERSHIP_STATUS, "Grace period", LANYARD_RULE_TARGET_DOORS,
    { "Main entrance", "Reception", NULL }, "mon-fri 09:00-17:00", FALSE },
};

/* Person types with their share of the membership, in percent. */
static const struct { const char *name; guint share; } person_types[] = {
  { "Gold", 14 }, { "Silver", 32 }, { "Bronze", 20 }, { "Trial", 12 }, { "Student", 14 }, { "Staff", 3 },
  { NULL, 5 },
};

static const struct { const char *name; guint share; } statuses[] = {
  { "Current", 74 }, { "Expired", 14 }, { "Paused", 7 }, { "Grace period", 3 }, { NULL, 2 },
};

static const char * const synced_tag_pool[] = {
  "wellness", "family", "climbing", "corporate", "swim-team", "early-bird", "pt-client", "youth",
};

static const char * const custom_tag_pool[] = {
  "vip", "locker-rental", "needs-induction", "key-fob-lost", "board-member", "volunteer",
};

static const char * const partners[] = { "Mindbody", "Glofox", "ClubRight" };

/* A small, fast, seedable generator (SplitMix64): the same seed gives the same facility. */
static guint64
mix (guint64 x)
{
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

typedef struct {
  guint64 state;
} Rand;

static guint32
rand_next (Rand *r)
{
  r->state = mix (r->state);
  return (guint32)(r->state >> 32);
}

static guint
rand_below (Rand  *r,
            guint  n)
{
  return (guint)(((guint64)rand_next (r) * n) >> 32);
}

static gboolean
rand_percent (Rand  *r,
              guint  percent)
{
  return rand_below (r, 100) < percent;
}

static const char *
pick_share (Rand        *r,
            const void  *table,
            gsize        stride,
            guint        n)
{
  guint roll = rand_below (r, 100);
  guint sum = 0;

  for (guint i = 0; i < n; i++)
    {
      const char * const *name = (const char * const *)((const char *)table + i * stride);
      guint share = *(const guint *)((const char *)table + i * stride + sizeof (const char *));

      sum += share;
      if (roll < sum)
        return *name;
    }

  return NULL;
}

/* Lower-case ASCII for an email's local part: "Zoë Ørsted" → "zoe.orsted". */
static char *
email_local_part (const char *first,
                  const char *last)
{
  g_autofree char *a = g_str_to_ascii (first, "C");
  g_autofree char *b = g_str_to_ascii (last, "C");
  GString *s = g_string_new (NULL);
  const char *parts[2] = { a, b };

  for (guint p = 0; p < 2; p++)
    {
      if (p)
        g_string_append_c (s, '.');
      for (const char *c = parts[p]; *c; c++)
        if (g_ascii_isalnum (*c))
          g_string_append_c (s, g_ascii_tolower (*c));
    }

  return g_string_free (s, FALSE);
}

LanyardPerson *
lanyard_demo_make_person (gint64   facility_id,
                          guint    index,
                          guint    n_total,
                          guint32  seed)
{
  static const char * const mobile_prefixes[] = { "151", "152", "157" };
  LanyardPerson *person = lanyard_person_new ();
  Rand r = { mix (((guint64)seed << 32) ^ index) };
  const char *first = first_names[rand_below (&r, G_N_ELEMENTS (first_names))];
  const char *last = last_names[rand_below (&r, G_N_ELEMENTS (last_names))];
  gint64 now = g_get_real_time ();
  gboolean has_phone = rand_percent (&r, 85);
  gboolean has_email = !has_phone || rand_percent (&r, 80);
  guint roll;

  lanyard_person_set_facility_id (person, facility_id);
  lanyard_person_set_first_name (person, first);
  lanyard_person_set_last_name (person, last);

  if (has_phone)
    {
      /* index × an odd constant mod 10^8 is a permutation: unique numbers, scattered. */
      guint64 subscriber = ((guint64)index * 48271ull + seed) % 100000000ull;
      g_autofree char *phone = g_strdup_printf ("+49%s%08" G_GUINT64_FORMAT,
                                                mobile_prefixes[(index / 100000000u + seed) % 3], subscriber);
      lanyard_person_set_phone (person, phone);
    }

  if (has_email)
    {
      g_autofree char *local = email_local_part (first, last);
      g_autofree char *email = g_strdup_printf ("%s.%x@%s", local, index,
                                                email_domains[rand_below (&r, G_N_ELEMENTS (email_domains))]);
      lanyard_person_set_email (person, email);
    }

  lanyard_person_set_person_type (person, pick_share (&r, person_types, sizeof person_types[0],
                                                      G_N_ELEMENTS (person_types)));
  lanyard_person_set_membership_status (person, pick_share (&r, statuses, sizeof statuses[0],
                                                            G_N_ELEMENTS (statuses)));

  /* Joined one after the other over the last three years; updated since. */
  {
    gint64 span = (gint64)3 * 365 * 24 * 3600 * G_USEC_PER_SEC;
    gint64 slot = span / MAX (n_total, 1);
    gint64 created = now - span + (gint64)MIN (index, n_total) * slot
                     + (gint64)(((guint64)rand_next (&r) * (guint64)slot) >> 32);
    gint64 updated = created + (gint64)rand_below (&r, 1000) * (now - created) / 1000;

    lanyard_person_set_created_at (person, created);
    lanyard_person_set_updated_at (person, updated);
  }

  roll = rand_below (&r, 100);
  if (roll < 17)
    {
      g_autofree char *external_id = g_strdup_printf ("M-%07u", index + 1000000);

      lanyard_person_set_source (person, LANYARD_SOURCE_INTEGRATION);
      lanyard_person_set_source_name (person, partners[rand_below (&r, G_N_ELEMENTS (partners))]);
      lanyard_person_set_external_id (person, external_id);
      lanyard_person_set_last_synced_at (person, now - (gint64)rand_below (&r, 48 * 3600) * G_USEC_PER_SEC);
      lanyard_person_set_track_source_updates (person, !rand_percent (&r, 6));
    }
  else if (roll < 20)
    {
      g_autofree char *cv_id = g_strdup_printf ("cv-%08x", (guint)mix (index) & 0xffffffffu);

      lanyard_person_set_source (person, LANYARD_SOURCE_CCTV);
      lanyard_person_set_cv_id (person, cv_id);
      lanyard_person_set_last_synced_at (person, now - (gint64)rand_below (&r, 7 * 24 * 3600) * G_USEC_PER_SEC);
    }

  /* Up to three synced tags (only synced people have them) and one custom tag now and then. */
  if (lanyard_person_get_source (person) != LANYARD_SOURCE_MANUAL || rand_percent (&r, 40))
    {
      const char *tags[4] = { NULL };
      guint n = rand_below (&r, 4);

      for (guint i = 0; i < n; i++)
        tags[i] = synced_tag_pool[rand_below (&r, G_N_ELEMENTS (synced_tag_pool))];
      if (lanyard_person_get_source (person) != LANYARD_SOURCE_MANUAL)
        lanyard_person_set_synced_tags (person, tags);
      else
        lanyard_person_set_custom_tags (person, tags);
    }
  if (rand_percent (&r, 8))
    {
      const char *tags[2] = { custom_tag_pool[rand_below (&r, G_N_ELEMENTS (custom_tag_pool))], NULL };
      lanyard_person_set_custom_tags (person, tags);
    }

  lanyard_person_set_access_enabled (person, !rand_percent (&r, 3));

  if (has_email && rand_percent (&r, 45))
    {
      lanyard_person_set_invited_at (person, lanyard_person_get_created_at (person) + 60 * G_USEC_PER_SEC);
      if (rand_percent (&r, 4))
        {
          lanyard_person_set_invitation_state (person, LANYARD_INVITATION_SEND_FAILED);
          lanyard_person_set_invitation_error (person, "550 mailbox unavailable");
        }
      else
        lanyard_person_set_invitation_state (person, LANYARD_INVITATION_INVITED);
    }

  if (rand_percent (&r, 55))
    {
      g_autofree char *ip = g_strdup_printf ("203.0.113.%u", rand_below (&r, 254) + 1);
      const char *ips[2] = { ip, NULL };

      lanyard_person_set_last_used_at (person, now - (gint64)rand_below (&r, 90 * 24 * 3600) * G_USEC_PER_SEC);
      lanyard_person_set_recent_ips (person, ips);
    }

  if (rand_percent (&r, 2))
    {
      lanyard_person_set_app_message (person, "Your membership renews next week.");
      lanyard_person_set_app_message_severity (person, rand_below (&r, 3));
    }

  if (rand_percent (&r, 1))
    lanyard_person_set_notes (person, "Prefers the early morning slot; has a locker key.");

  return person;
}

static gint64
find_by_name (GPtrArray  *objects,
              const char *name)
{
  for (guint i = 0; i < objects->len; i++)
    {
      g_autofree char *object_name = NULL;
      gint64 id;

      g_object_get (g_ptr_array_index (objects, i), "name", &object_name, "id", &id, NULL);
      if (g_strcmp0 (object_name, name) == 0)
        return id;
    }

  return 0;
}

gint64
lanyard_demo_create_facility (LanyardStore  *store,
                              const char    *name,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(LanyardFacility) facility = lanyard_facility_new ();
  g_autoptr(LanyardFacility) saved = NULL;
  g_autoptr(GPtrArray) doors = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) saved_scopes = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 facility_id;

  g_return_val_if_fail (LANYARD_IS_STORE (store), 0);

  lanyard_facility_set_name (facility, name ? name : "Riverside Sports Club");
  lanyard_facility_set_timezone (facility, "Europe/Berlin");
  if (!(saved = lanyard_store_save_facility (store, facility, cancellable, error)))
    return 0;
  facility_id = lanyard_facility_get_id (saved);

  for (guint i = 0; i < G_N_ELEMENTS (door_names); i++)
    {
      g_autoptr(LanyardDoor) door = lanyard_door_new ();
      LanyardDoor *saved_door;

      lanyard_door_set_facility_id (door, facility_id);
      lanyard_door_set_name (door, door_names[i]);
      if (!(saved_door = lanyard_store_save_door (store, door, cancellable, error)))
        return 0;
      g_ptr_array_add (doors, saved_door);
    }

  for (guint i = 0; i < G_N_ELEMENTS (scopes); i++)
    {
      g_autoptr(LanyardScope) scope = lanyard_scope_new ();
      g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      LanyardScope *saved_scope;

      for (guint j = 0; scopes[i].doors[j]; j++)
        {
          gint64 id = find_by_name (doors, scopes[i].doors[j]);
          g_array_append_val (ids, id);
        }

      lanyard_scope_set_facility_id (scope, facility_id);
      lanyard_scope_set_name (scope, scopes[i].name);
      lanyard_scope_set_door_ids (scope, (const gint64 *)(gpointer)ids->data, ids->len);
      if (!(saved_scope = lanyard_store_save_scope (store, scope, cancellable, error)))
        return 0;
      g_ptr_array_add (saved_scopes, saved_scope);
    }

  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      g_autoptr(LanyardAccessRule) rule = lanyard_access_rule_new ();
      g_autoptr(LanyardAccessRule) saved_rule = NULL;
      g_autoptr(LanyardSchedule) schedule = NULL;
      g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

      for (guint j = 0; rules[i].targets[j]; j++)
        {
          gint64 id = find_by_name (rules[i].target == LANYARD_RULE_TARGET_SCOPES ? saved_scopes : doors,
                                    rules[i].targets[j]);
          g_array_append_val (ids, id);
        }

      if (rules[i].schedule && !(schedule = lanyard_schedule_parse (rules[i].schedule, error)))
        return 0;

      lanyard_access_rule_set_facility_id (rule, facility_id);
      lanyard_access_rule_set_name (rule, rules[i].name);
      lanyard_access_rule_set_condition (rule, rules[i].condition);
      lanyard_access_rule_set_value (rule, rules[i].value);
      lanyard_access_rule_set_target (rule, rules[i].target);
      lanyard_access_rule_set_target_ids (rule, (const gint64 *)(gpointer)ids->data, ids->len);
      lanyard_access_rule_set_schedule (rule, schedule);
      lanyard_access_rule_set_enabled (rule, rules[i].enabled);
      if (!(saved_rule = lanyard_store_save_rule (store, rule, cancellable, error)))
        return 0;
    }

  return facility_id;
}

/* Grants for about one person in twenty: a door, a scope, now and then everything. */
static GPtrArray *
make_grants (GPtrArray *doors,
             GPtrArray *scopes_list,
             guint      index,
             guint32    seed)
{
  Rand r = { mix (((guint64)seed << 32) ^ index ^ 0xA5A5A5A5ull) };
  GPtrArray *grants;
  guint roll = rand_below (&r, 1000);

  if (roll >= 50 || doors->len == 0)
    return NULL;

  grants = g_ptr_array_new_with_free_func (g_object_unref);
  if (roll < 5)
    g_ptr_array_add (grants, lanyard_grant_new_full (LANYARD_GRANT_FACILITY, 0, NULL));
  else if (roll < 30)
    {
      LanyardDoor *door = g_ptr_array_index (doors, rand_below (&r, doors->len));
      g_autoptr(LanyardSchedule) hours = rand_percent (&r, 50)
                                         ? lanyard_schedule_parse ("mon-fri 07:00-19:00", NULL) : NULL;

      g_ptr_array_add (grants, lanyard_grant_new_full (LANYARD_GRANT_DOOR, lanyard_door_get_id (door), hours));
    }
  else if (scopes_list->len > 0)
    {
      LanyardScope *scope = g_ptr_array_index (scopes_list, rand_below (&r, scopes_list->len));

      g_ptr_array_add (grants, lanyard_grant_new_full (LANYARD_GRANT_SCOPE, lanyard_scope_get_id (scope), NULL));
    }

  return grants;
}

static void
grant_list_free (gpointer data)
{
  if (data != NULL)
    g_ptr_array_unref (data);
}

gboolean
lanyard_demo_add_people (LanyardStore         *store,
                         gint64                facility_id,
                         guint                 n_people,
                         guint32               seed,
                         guint                 batch_size,
                         LanyardDemoProgress   progress,
                         gpointer              user_data,
                         GCancellable         *cancellable,
                         GError              **error)
{
  g_autoptr(GPtrArray) doors = NULL;
  g_autoptr(GPtrArray) scope_list = NULL;

  g_return_val_if_fail (LANYARD_IS_STORE (store), FALSE);

  /*
   * Big batches: each one's people land all over the search index's rank
   * range, and fewer, larger batches mean fewer segment merges. Measured
   * for 1M people: 322 s in batches of 20,000, 141 s in batches of 100,000
   * (a single batch of 300,000 was slower than three of 100,000).
   */
  if (batch_size == 0)
    batch_size = 100000;

  if (!(doors = lanyard_store_list_doors (store, facility_id, cancellable, error)) ||
      !(scope_list = lanyard_store_list_scopes (store, facility_id, cancellable, error)))
    return FALSE;

  for (guint start = 0; start < n_people; start += batch_size)
    {
      guint end = MIN (start + batch_size, n_people);
      g_autoptr(GPtrArray) people = g_ptr_array_new_full (end - start, g_object_unref);
      g_autoptr(GPtrArray) grants = g_ptr_array_new_full (end - start, grant_list_free);

      for (guint i = start; i < end; i++)
        {
          g_ptr_array_add (people, lanyard_demo_make_person (facility_id, i, n_people, seed));
          g_ptr_array_add (grants, make_grants (doors, scope_list, i, seed));
        }

      if (!lanyard_store_create_people (store, facility_id, people, grants, cancellable, error))
        return FALSE;

      if (progress != NULL)
        progress (end, n_people, user_data);
    }

  return TRUE;
}
