"""The licence choices in alphabetical order of their names, case aside (catalog.licences.
CHOICES): "Gemma" before "GPL 3.0". Django keeps choices in the field's state; the column
is unchanged."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0027_search_coder_is_code'),
    ]

    operations = [
        migrations.AlterField(
            model_name='asset',
            name='licence',
            field=models.CharField(blank=True, choices=[('afl-3.0', 'Academic Free Licence 3.0'), ('agpl-3.0', 'AGPL 3.0'), ('apache-2.0', 'Apache 2.0'), ('apple-amlr', 'Apple Machine Learning Research'), ('apple-ascl', 'Apple Sample Code Licence'), ('bigscience-openrail-m', 'BigScience OpenRAIL-M'), ('bsd-2-clause', 'BSD 2-Clause'), ('bsd-3-clause', 'BSD 3-Clause'), ('cc-by-2.0', 'CC BY 2.0'), ('cc-by-3.0', 'CC BY 3.0'), ('cc-by-4.0', 'CC BY 4.0'), ('cc-by-nc-2.0', 'CC BY-NC 2.0'), ('cc-by-nc-3.0', 'CC BY-NC 3.0'), ('cc-by-nc-4.0', 'CC BY-NC 4.0'), ('cc-by-nc-nd-4.0', 'CC BY-NC-ND 4.0'), ('cc-by-nc-sa-3.0', 'CC BY-NC-SA 3.0'), ('cc-by-nc-sa-4.0', 'CC BY-NC-SA 4.0'), ('cc-by-nd-2.1-jp', 'CC BY-ND 2.1 JP'), ('cc-by-nd-4.0', 'CC BY-ND 4.0'), ('cc-by-sa-3.0', 'CC BY-SA 3.0'), ('cc-by-sa-4.0', 'CC BY-SA 4.0'), ('cc0-1.0', 'CC0 1.0'), ('cdla-sharing-1.0', 'CDLA Sharing 1.0'), ('creativeml-openrail-m', 'CreativeML OpenRAIL-M'), ('cvnets-license', 'CVNets Licence'), ('dinov3-license', 'DINOv3 Licence'), ('eupl-1.2', 'EUPL 1.2'), ('fair-noncommercial-research-license', 'FAIR Non-Commercial Research'), ('fastvit-license', 'FastViT Licence'), ('gemma', 'Gemma Terms of Use'), ('gpl-2.0', 'GPL 2.0'), ('gpl-3.0', 'GPL 3.0'), ('isc', 'ISC'), ('lgpl-3.0', 'LGPL 3.0'), ('llama2', 'Llama 2 Community'), ('llama3', 'Llama 3 Community'), ('llama3.1', 'Llama 3.1 Community'), ('msr-la-nc', 'Microsoft Research Licence (non-commercial)'), ('mit', 'MIT'), ('mobileone-license', 'MobileOne Licence'), ('mpl-2.0', 'MPL 2.0'), ('nvidia-open-model-license', 'NVIDIA Open Model Licence'), ('odc-by', 'ODC-By'), ('openmdw-1.1', 'OpenMDW 1.1'), ('openrail', 'OpenRAIL'), ('openrail++', 'OpenRAIL++'), ('other', 'Other (see source)'), ('qwen-community-1.0', 'Qwen Community 1.0'), ('sapiens2-license', 'Sapiens2 Licence'), ('seer-license', 'SEER Licence'), ('unlicense', 'The Unlicense')], max_length=64),
        ),
    ]
