# ruff: noqa: E501 - demo prose reads better unwrapped
"""Hand-written discussions for the demo forums: Arabic, Darija (Arabic script and Latin
letters with digits) and French, one per field forum, plus everyday association questions
spread over the forums that still have fewer than two topics.

A thread: (field code or "" for the general forum, title, author, body, [(author, reply)]).
"""

from __future__ import annotations

Thread = tuple[str, str, str, str, list[tuple[str, str]]]

FIELD_THREADS: list[Thread] = [
    (
        "literacy",
        "Manuels d'alphabétisation en darija : vous les utilisez ?",
        "zineb.bennani",
        "Bonjour,\n\nL'ANLCA propose maintenant des supports en **darija**. Nos bénéficiaires de Salé trouvent ça plus simple, mais certaines formatrices préfèrent l'arabe classique. Votre avis ?",
        [
            (
                "latifa.ouazzani",
                "عندنا فبني ملال النساء كيفهمو أسرع بالدارجة، ولكن خاصنا نوصلو للفصحى فالمستوى الثاني.",
            ),
            ("khadija", "نفس التجربة فسلا. كنبداو بالدارجة وكنزيدو الفصحى شوية بشوية."),
            (
                "zineb.bennani",
                "Merci, c'est exactement notre approche aussi. On partage nos fiches ici bientôt.",
            ),
        ],
    ),
    (
        "women",
        "تعاونيات النساء: كيفاش نسوقو المنتوج برا الجهة؟",
        "nadia",
        "السلام عليكم، عندنا تعاونية ديال الزرابي فتنغير والمنتوج زوين بزاف ولكن ما كنبيعوش غير فالسوق المحلي. شكون جرب البيع على الإنترنت؟",
        [
            (
                "mustapha.ait",
                "salam, 7na bdina b Instagram o WhatsApp Business, lmochkil howa livraison: Amana kat3tina taman mzyan ila kan 3ndek contrat.",
            ),
            (
                "houda.elfassi",
                "Il y a aussi les salons de l'économie sociale (Marrakech, Casablanca) : l'an dernier nous avons vendu la moitié de notre stock en 4 jours.",
            ),
            ("nadia", "شكرا بزاف، غادي نتواصلو مع أمانة هاد الأسبوع."),
        ],
    ),
    (
        "children",
        "Protection de l'enfance : quelle procédure quand on soupçonne une maltraitance ?",
        "sanae.berrada",
        "Une animatrice de notre centre a remarqué des marques sur un enfant de 9 ans. Qui contacter en premier : le procureur, la cellule de l'hôpital, l'assistante sociale ? Merci de vos conseils.",
        [
            (
                "imane.kettani",
                "Le signalement au **procureur du Roi** (cellule de prise en charge des enfants au tribunal) est la voie officielle. Notez les faits par écrit, datés.",
            ),
            (
                "aicha.boutaleb",
                "وخاصكم تتواصلو مع الخلية المحلية للتكفل بالأطفال فالعمالة، عندهم مساعدة اجتماعية كتتبع الحالة.",
            ),
            ("sanae.berrada", "Merci à vous deux, c'est fait. Le dossier est suivi."),
        ],
    ),
    (
        "youth",
        "3lach chabab ma bqawch kayjiw l dar chabab?",
        "hamza.tahiri",
        "Salam l7bab, f Berkane dar chabab wlat khawya mn ba3d 6 d l3chiya. Chno dertou 3ndkom bach trj3o chabab? Bghit afkar 3amaliya machi ghir klam.",
        [
            (
                "karim.benjelloun",
                "Chez nous à Tétouan, un atelier de montage vidéo sur téléphone a tout changé : 30 jeunes inscrits en une semaine.",
            ),
            (
                "rachid.amrani",
                "الشباب بغاو يكونو هوما اللي كيقررو. عطيناهم يسيرو النادي بوحدهم والنتيجة كانت مزيانة.",
            ),
            (
                "hamza.tahiri",
                "wakha, ghadi njarbo nadi montage o ndiro tournoi FIFA f lwe9t lowel 😄",
            ),
        ],
    ),
    (
        "elderly",
        "رعاية المسنين في البيت: من يتكفل بالتكوين؟",
        "driss.maaroufi",
        "نبحث عن تكوين للمتطوعين في مرافقة المسنين في منازلهم (الحركة، الأدوية، الإنصات). هل توجد جهة تقدم هذا التكوين في الجهة الشرقية؟",
        [
            (
                "souad.lamrani",
                "مؤسسة التعاون الوطني نظمت السنة الماضية دورة بوجدة، تواصل مع المندوبية.",
            ),
            (
                "ghita.sebti",
                "La Croix-Rouge marocaine (Croissant-Rouge) forme aussi aux gestes de base, c'est gratuit pour les associations.",
            ),
        ],
    ),
    (
        "disability",
        "Accessibilité des écoles : retour sur notre campagne à Fès",
        "loubna.skalli",
        "Nous avons recensé 34 écoles du quartier : seules 5 ont une rampe. Nous préparons une lettre à la direction provinciale. Qui veut co-signer ?",
        [
            ("brahim.oubella", "نحن معكم، جمعية التحدي بالحسيمة مستعدة للتوقيع."),
            ("salma", "Count us in. We can also share our photo survey template."),
            ("loubna.skalli", "Super, je vous envoie le texte en message privé."),
        ],
    ),
    (
        "culture",
        "مهرجان صغير بميزانية صغيرة: نصائحكم",
        "said.agouram",
        "بغينا ننظمو أول مهرجان ديال أحواش فتافراوت فالصيف. الميزانية قليلة (حوالي 40 ألف درهم). شنو الأولويات؟",
        [
            (
                "karim.benjelloun",
                "Le son et la scène d'abord, le reste suit. Et demandez à la commune la salle et l'électricité en nature.",
            ),
            ("meryem.alaoui", "ما تنساوش التأمين ورخصة السلطة المحلية، خاصها شهر على الأقل قبل."),
            ("said.agouram", "tbarkellah 3likom, ghadi ndiro demande l jama3a had simana."),
        ],
    ),
    (
        "heritage",
        "Numériser les archives familiales : quel matériel ?",
        "ghita.sebti",
        "Des familles de Rabat nous confient des photos et des actes anciens. Scanner à plat, appareil photo sur pied ? Et où stocker ?",
        [
            (
                "latifa.ouazzani",
                "استعملنا آلة تصوير مع حامل وإضاءة جانبية، أسرع بكثير من السكانير.",
            ),
            (
                "zineb.bennani",
                "Pour le stockage : deux disques durs dans deux lieux différents, et une copie en ligne. Toujours trois copies.",
            ),
        ],
    ),
    (
        "sport",
        "Section féminine de football : comment convaincre les parents ?",
        "hamza.tahiri",
        "Nous voulons ouvrir une équipe U13 filles à Khouribga. Certains parents hésitent. Vos expériences ?",
        [
            (
                "najat.rifi",
                "نظمنا لقاء مع الأمهات أولاً وشرحنا أن المدربة امرأة والتداريب في ملعب مغلق. تسجلت 25 بنت.",
            ),
            (
                "youssef",
                "À Casablanca, un match d'ouverture avec les mamans dans les tribunes a beaucoup aidé.",
            ),
            ("hamza.tahiri", "Très bonne idée, on fait ça au mois prochain."),
        ],
    ),
    (
        "human-rights",
        "مساعدة قانونية مجانية: كيفاش نطلبو المساعدة القضائية؟",
        "rachid.amrani",
        "بزاف ديال النساء اللي كنرافقوهم ما عندهمش باش يخلصو المحامي. شنو هي المسطرة ديال المساعدة القضائية وشنو الوثائق؟",
        [
            (
                "imane.kettani",
                "La demande se fait au bureau d'assistance judiciaire du tribunal, avec un certificat d'indigence délivré par l'autorité locale.",
            ),
            ("aicha.boutaleb", "وشهادة الاحتياج كتاخدها من المقاطعة. كتاخد تقريباً أسبوع."),
            ("rachid.amrani", "شكرا، واضح دابا."),
        ],
    ),
    (
        "citizenship",
        "Budget participatif : votre commune l'applique ?",
        "karim.benjelloun",
        "La loi organique prévoit des mécanismes de participation (pétitions, instances consultatives). Dans votre commune, ça fonctionne vraiment ?",
        [
            (
                "mohamed.zerouali",
                "هيئة المساواة وتكافؤ الفرص فجماعتنا كتجتمع مرتين فالعام فقط، ولكن قدرنا ندخلو طلب ديال الإنارة.",
            ),
            (
                "houda.elfassi",
                "À Agadir, notre pétition sur les espaces verts a été acceptée après 8 mois. Il faut beaucoup de patience.",
            ),
            (
                "youssef",
                "Le plus dur est de réunir les signatures avec les numéros de listes électorales.",
            ),
        ],
    ),
    (
        "local-development",
        "INDH : ملف طلب التمويل، أخطاء يجب تجنبها",
        "mustapha.ait",
        "شاركونا الأخطاء اللي خلات ملفاتكم تترفض فالمبادرة الوطنية للتنمية البشرية، باش الجمعيات الجديدة ما تعاودهاش.",
        [
            ("brahim.oubella", "الميزانية كانت عامة بزاف. خاص كل درهم يكون مبرر بعرض أثمان."),
            ("fatima", "وحنا نسينا محضر الجمع العام الأخير، رجعو لينا الملف كامل."),
            (
                "said.agouram",
                "3ndna kan lmochkil f la convention m3a jama3a, ma kantch msayna f lwe9t.",
            ),
        ],
    ),
    (
        "rural-development",
        "Pistes rurales après les pluies : qui répare ?",
        "abdellah.ouchen",
        "Après les orages de septembre, la piste vers trois douars d'Asni est coupée. La commune dit que c'est la province, la province dit que c'est la commune...",
        [
            ("khadija", "نفس المشكل عندنا فإمليل. كتبنا للعامل مباشرة وجات الآلات من بعد أسبوعين."),
            (
                "omar",
                "Gardez des photos datées de chaque dégât : ça accélère le dossier au conseil provincial.",
            ),
        ],
    ),
    (
        "water-sanitation",
        "الطاقة الشمسية للآبار: تجربة طاطا",
        "abdellah.ouchen",
        "ركبنا مضخة بالطاقة الشمسية فبئر ديال الدوار. التكلفة 85 ألف درهم وكتسقي 12 هكتار. نقدر نشارك التفاصيل التقنية مع اللي بغا.",
        [
            (
                "omar",
                "Très intéressant ! Quelle puissance de panneaux et quelle profondeur de puits ?",
            ),
            (
                "abdellah.ouchen",
                "6 kWc de panneaux, puits de 45 mètres. L'entretien est simple : nettoyer les panneaux chaque mois.",
            ),
            ("mustapha.ait", "bghit n3rf wach kayn d3m mn lwilaya l had lmacharia?"),
        ],
    ),
    (
        "income-generation",
        "Fixer le prix d'un produit de coopérative",
        "houda.elfassi",
        "Nos adhérentes vendent l'huile d'argan 150 DH le litre, souvent à perte si on compte leur temps. Comment calculez-vous vos prix ?",
        [
            (
                "nadia",
                "On compte : matière première + heures de travail à un taux fixé ensemble + emballage + 15 % pour la coopérative.",
            ),
            ("souad.lamrani", "والملصقة والتعبئة الزوينة كتخلي الزبون يقبل ثمن أعلى."),
        ],
    ),
    (
        "solidarity",
        "قفة رمضان: كيفاش نضمنو الكرامة ديال الأسر؟",
        "driss.maaroufi",
        "كل عام كنوزعو القفة والناس كيتصورو معاها. هاد العام بغينا نبدلو الطريقة. شنو كديرو نتوما؟",
        [
            ("meryem.alaoui", "ولينا كنعطيو بطاقات شراء فمحل ديال الحي، بلا تصاور بلا طوابير."),
            ("hassan", "عندنا المتطوعين كيوصلو القفة للدار فالليل. ما كاين لا صف لا تصويرة."),
            ("driss.maaroufi", "فكرة البطاقات زوينة، غادي نتكلمو مع مول الحانوت."),
        ],
    ),
    (
        "migration",
        "Scolariser les enfants migrants : les documents demandés",
        "imane.kettani",
        "Depuis la circulaire de 2013, les enfants migrants peuvent s'inscrire à l'école publique. Mais certaines directions demandent encore un acte de naissance traduit. Vous avez eu ce problème ?",
        [
            (
                "karim.benjelloun",
                "Oui à Rabat. La copie de la circulaire imprimée a suffi à débloquer la situation.",
            ),
            ("najat.rifi", "فالناظور المدير قبل بشهادة السكنى ديال الجمعية مؤقتاً."),
        ],
    ),
    (
        "digital",
        "Outils gratuits pour gérer une association",
        "youssef",
        "Liste partagée : comptabilité, adhérents, réunions en ligne. Ajoutez les vôtres !\n\n- tableur partagé pour les cotisations\n- visioconférence libre pour les réunions du bureau\n- **jam3ia** pour les projets 😉",
        [
            (
                "loubna.skalli",
                "On utilise un formulaire en ligne pour les inscriptions aux ateliers, c'est gratuit.",
            ),
            ("hamza.tahiri", "ana kanst3mel Canva l les affiches, version gratuite kafya."),
            (
                "ghita.sebti",
                "Attention aux données personnelles des bénéficiaires (loi 09-08) : pas de CIN dans des fichiers partagés publics.",
            ),
        ],
    ),
    (
        "housing",
        "Relogement : accompagner les familles après le déménagement",
        "zineb.bennani",
        "Les familles relogées à Salé perdent souvent leur travail et l'école des enfants est loin. Des expériences d'accompagnement après le relogement ?",
        [
            ("rachid.amrani", "درنا نقل مدرسي مؤقت مع الجماعة للعام الأول، وكان ضروري."),
            (
                "houda.elfassi",
                "Un « comité de voisins » dans chaque immeuble aide beaucoup pour l'entretien des parties communes.",
            ),
        ],
    ),
    (
        "health",
        "حملة التبرع بالدم: بغينا شركاء فإنزكان",
        "mohamed.zerouali",
        "ننظم حملة للتبرع بالدم مع المركز الجهوي لتحاقن الدم نهار الأحد. كنقلبو على جمعيات تشاركنا فالتعبئة.",
        [
            ("salma", "We can bring 20 volunteers from our youth club. What time?"),
            ("mohamed.zerouali", "من 9 ديال الصباح حتى 4 ديال العشية، فساحة البلدية."),
            ("latifa.ouazzani", "الله يجازيكم، غادي نشاركو بالملصقات."),
        ],
    ),
    (
        "education",
        "Soutien scolaire en ligne pendant les vacances ?",
        "sanae.berrada",
        "Nous pensons à des séances de révision en visio pour les élèves de 3e année collège. Les familles ont-elles assez de connexion ?",
        [
            ("fatima", "فالبادية الكونكسيون ضعيفة. حنا كنبعثو تمارين بالواتساب وكنصححوها."),
            ("hassan", "صحيح، والهاتف غالباً ديال الأب وكيخدم بيه."),
        ],
    ),
    (
        "environment",
        "Nettoyage des plages : que faire des déchets collectés ?",
        "ghita.sebti",
        "Lors de nos opérations à Mohammedia, nous collectons 2 tonnes de déchets par été. Le plastique part en décharge. Des filières de recyclage existent ?",
        [
            (
                "abdellah.ouchen",
                "كاين تعاونيات ديال الميخالة كيشريو البلاستيك، تواصل مع الجماعة باش تعطيك الأسماء.",
            ),
            (
                "karim.benjelloun",
                "Il y a aussi des entreprises à Casablanca qui reprennent le PET propre et trié.",
            ),
        ],
    ),
]

#: Everyday questions of association life, placed in the forums still short of topics.
COMMON_THREADS: list[Thread] = [
    (
        "",
        "Assemblée générale : quorum non atteint, que faire ?",
        "houda.elfassi",
        "Notre AG n'a réuni que 12 adhérents sur 40. Les statuts prévoient une seconde convocation. Quel délai respecter ?",
        [
            (
                "mohamed.zerouali",
                "عادة 15 يوم بعد الاستدعاء الأول، والجمع الثاني كيكون صحيح كيفما كان العدد، ولكن شوف القانون الأساسي ديالكم.",
            ),
            ("imane.kettani", "Oui, et faites un PV de carence pour la première réunion."),
        ],
    ),
    (
        "",
        "شكون عندو نموذج ديال التقرير المالي؟",
        "brahim.oubella",
        "salam, bghit modèle d rapport financier sahel l jam3iya sghira. 3afakom li 3ndo ysiftou.",
        [
            ("aicha.boutaleb", "عندي نموذج بالعربية والفرنسية، رفعتو فالمكتبة ديال المنصة."),
            ("brahim.oubella", "lah ykhlik, lqitou."),
        ],
    ),
    (
        "",
        "Recruter et garder des bénévoles",
        "loubna.skalli",
        "Nos bénévoles partent après 3 ou 4 mois. Comment les fidélisez-vous ?",
        [
            ("meryem.alaoui", "كنعطيوهم شهادة ديال التطوع فآخر السنة وكنديرو معاهم خرجة."),
            ("youssef", "Des missions courtes et claires, et un référent pour chaque nouveau."),
            ("hamza.tahiri", "w bla ma tnsaw chokran 9dam nass, kat3ni bzaf."),
        ],
    ),
    (
        "",
        "التمويل العمومي: الإعلان عن طلبات المشاريع",
        "mustapha.ait",
        "وزارة التضامن أعلنت عن طلب مشاريع جديد. آخر أجل للإيداع بعد شهر. شكون غادي يشارك؟",
        [
            ("fatima", "غادي نشاركو بمشروع النقل المدرسي. واش خاص الشراكة مع الجماعة ولا لا؟"),
            ("mustapha.ait", "ماشي ضروري ولكن كتعطي نقط زايدة فالتقييم."),
        ],
    ),
    (
        "",
        "Ouvrir un compte bancaire pour l'association",
        "sanae.berrada",
        "La banque nous demande le récépissé définitif, que nous n'avons pas encore reçu. Le provisoire suffit-il ailleurs ?",
        [
            (
                "omar",
                "Chez nous, le récépissé provisoire a suffi avec le PV de l'AG constitutive et les CIN du bureau.",
            ),
            (
                "said.agouram",
                "7na bank tlbat menna lrecepisse definitif, kol bank o l9anoun dyalha.",
            ),
        ],
    ),
    (
        "",
        "تكوين أعضاء المكتب في التسيير",
        "latifa.ouazzani",
        "نبحث عن دورات تكوينية في التسيير المالي والإداري للجمعيات بجهة الرباط سلا القنيطرة.",
        [
            (
                "zineb.bennani",
                "Le réseau associatif de la région organise des sessions gratuites chaque trimestre.",
            ),
            ("rachid.amrani", "وحتى دار الجمعيات فسلا عندها برنامج فالسبت."),
        ],
    ),
    (
        "",
        "Communication : Facebook ou WhatsApp ?",
        "ghita.sebti",
        "Pour informer nos adhérents (surtout plus de 50 ans), quel canal marche le mieux chez vous ?",
        [
            ("souad.lamrani", "واتساب بلا منازع. الفيسبوك للناس اللي برا الجمعية."),
            (
                "karim.benjelloun",
                "Les messages vocaux en darija sur WhatsApp : taux de réponse bien meilleur que l'écrit.",
            ),
            ("najat.rifi", "صحيح، الرسائل الصوتية كيفهموها كاملين."),
        ],
    ),
    (
        "",
        "wach kayn chi subvention l jam3iyat jdad?",
        "hamza.tahiri",
        "Salam, jam3iya dyalna 3ndha ghir 6 chhor. Wach kayn chi d3m l jam3iyat jdad wla khas 3am d lkhedma 9bel?",
        [
            (
                "mohamed.zerouali",
                "أغلب الممولين كيطلبو سنة على الأقل وتقرير أدبي. بدا بمشروع صغير مع الجماعة.",
            ),
            (
                "houda.elfassi",
                "Certaines fondations (et l'INDH) acceptent les jeunes associations si le projet est porté avec une association plus ancienne.",
            ),
        ],
    ),
    (
        "",
        "Photos des bénéficiaires : demander l'autorisation",
        "imane.kettani",
        "Avant de publier des photos d'ateliers, faites-vous signer une autorisation ? Et pour les mineurs ?",
        [
            (
                "aicha.boutaleb",
                "ديما كنطلبو توقيع الولي بالنسبة للأطفال، وما كنبينوش الوجوه فالغالب.",
            ),
            ("loubna.skalli", "Nous floutons les visages par défaut. C'est plus simple."),
        ],
    ),
    (
        "",
        "المحاسبة: واش خاص محاسب معتمد؟",
        "abdellah.ouchen",
        "الجمعية ديالنا كتاخد دعم عمومي أقل من 100 ألف درهم فالعام. واش ملزمين بمحاسب معتمد؟",
        [
            (
                "omar",
                "Au-delà d'un certain montant de subventions publiques, la Cour des comptes peut demander des comptes certifiés. En dessous, une comptabilité simple et propre suffit.",
            ),
            ("abdellah.ouchen", "مفهوم، شكرا عمر."),
        ],
    ),
    (
        "",
        "Partenariat avec une association étrangère",
        "zineb.bennani",
        "Une association française veut financer notre projet. Faut-il déclarer les fonds étrangers au Secrétariat général du gouvernement ?",
        [
            (
                "mohamed.zerouali",
                "نعم، خاص التصريح داخل 30 يوم من التوصل بالمبلغ، مع ذكر المصدر والمبلغ.",
            ),
            ("zineb.bennani", "Merci, je ne le savais pas !"),
        ],
    ),
    (
        "",
        "نشاط مشترك بين الجمعيات ديال نفس المدينة",
        "najat.rifi",
        "3lach ma ndirouch nhar wa7ed f l3am fih ga3 jam3iyat dyal lmdina? kol wa7da t9dem lkhedma dyalha.",
        [
            ("hassan", "فكرة زوينة، تارودانت عندها ساحة كبيرة فأبريل."),
            (
                "sanae.berrada",
                "Un « forum des associations » en septembre, à la rentrée, attire aussi les nouveaux bénévoles.",
            ),
        ],
    ),
    (
        "",
        "Assurance des activités et des bénévoles",
        "houda.elfassi",
        "Quelle assurance prenez-vous pour les sorties avec des enfants et pour les bénévoles ? Des tarifs raisonnables ?",
        [
            (
                "rachid.amrani",
                "عندنا تأمين سنوي على المسؤولية المدنية والحوادث، حوالي 2500 درهم للعام.",
            ),
            (
                "karim.benjelloun",
                "Demandez un devis groupé via le réseau associatif, c'est moins cher.",
            ),
        ],
    ),
    (
        "",
        "Traduire nos documents en amazighe",
        "said.agouram",
        "Nous voulons publier nos brochures en arabe, en français et en tamazight (tifinagh). Qui connaît un traducteur ?",
        [
            ("mustapha.ait", "عندي صديق أستاذ ديال الأمازيغية فأكادير، نعطيك الرقم فالخاص."),
            ("said.agouram", "tanmirt! (merci)"),
        ],
    ),
    (
        "",
        "كيفاش كتحسبو الأثر ديال المشاريع؟",
        "meryem.alaoui",
        "الممولين ولاو كيطلبو مؤشرات الأثر ماشي غير عدد المستفيدين. شنو المؤشرات اللي كتستعملو؟",
        [
            (
                "ghita.sebti",
                "Un questionnaire avant/après, court (5 questions), et quelques entretiens 6 mois plus tard.",
            ),
            ("brahim.oubella", "حنا كنحسبو عدد البنات اللي كملو الإعدادي، مؤشر واضح."),
        ],
    ),
    (
        "",
        "Local associatif : louer ou demander à la commune ?",
        "sanae.berrada",
        "Notre bail se termine. La commune a des locaux vides mais la procédure semble longue. Votre expérience ?",
        [
            (
                "driss.maaroufi",
                "طلبنا من الجماعة وعطاتنا قاعة فدار الشباب جوج مرات فالسيمانة. ماشي مثالي ولكن بلاش.",
            ),
            (
                "youssef",
                "Une convention de mise à disposition avec la commune prend environ 3 mois chez nous.",
            ),
        ],
    ),
    (
        "",
        "bghit nt3llm kifach ndir demande d partenariat",
        "hamza.tahiri",
        "Salam, awel mera ghadi nktb talab d chiraka m3a jama3a. Chno khasso ykoun fih?",
        [
            (
                "latifa.ouazzani",
                "التعريف بالجمعية، المشكل، الأهداف، الأنشطة، الميزانية، والمساهمة ديال كل طرف.",
            ),
            ("hamza.tahiri", "safi fhmt, chokran bzaf!"),
        ],
    ),
    (
        "",
        "Gérer un conflit au sein du bureau",
        "loubna.skalli",
        "Deux membres du bureau ne se parlent plus et les décisions sont bloquées. Comment avez-vous géré ce genre de situation ?",
        [
            ("souad.lamrani", "جلسة وساطة مع شخص محايد من خارج المكتب نفعتنا بزاف."),
            (
                "nadia",
                "Et un règlement intérieur clair sur la prise de décision (vote à la majorité) évite les blocages.",
            ),
        ],
    ),
    (
        "",
        "تجربة العمل مع المتطوعين الأجانب",
        "aicha.boutaleb",
        "جاونا متطوعين من إسبانيا لمدة شهر. شنو النصائح باش تكون التجربة مفيدة للجميع؟",
        [
            (
                "karim.benjelloun",
                "Un programme écrit dès le premier jour, et un binôme marocain pour chaque volontaire.",
            ),
            ("aicha.boutaleb", "مزيان، غادي نوجدو البرنامج هاد السيمانة."),
        ],
    ),
]
