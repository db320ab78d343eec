"""What the search index holds of an asset's kind: a fine-tune's and an API's entries say
"model" (they are models too: "speech to text model" finds them), and a kind's name joined
by a hyphen is held as one word as well (every fine-tune is found by "finetune";
catalog.search.KIND_INDEXED and hyphened_words()); "C++" is held as "cpp", not "c"
(querytext._words()); and the names of all the languages an asset covers that people name
needs by, when it covers up to catalog.search.SPOKEN_MAX of them (its page names a few):
every asset's entry is written again."""

from django.db import migrations

from catalog.migrations._sql import reindex_everything


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0031_search_hyphened_words_as_one"),
    ]

    operations = [reindex_everything()]
