"""The kg ontology (``ontology/kg.ttl``) as a closed rdflib namespace.

One typed attribute per class, property and individual the ontology defines;
a misspelt term (``KG.warn``) raises ``AttributeError`` at once.
``tests/test_ontology.py`` checks that this class and ``kg.ttl`` define the
same terms, so adding a term to the ontology means adding it here too.
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class KG(DefinedNamespace):
    """The kg news knowledge graph ontology (https://w3id.org/kg-news/ontology)."""

    _NS = Namespace("https://w3id.org/kg-news/ontology#")
    _fail = True

    # Classes
    Entity: URIRef  # entity
    Actor: URIRef  # actor
    Place: URIRef  # place
    Person: URIRef  # Person
    State: URIRef  # State
    Organization: URIRef  # Organization
    Location: URIRef  # Location
    Document: URIRef  # document
    QuadClass: URIRef  # CAMEO quad class
    Modality: URIRef  # modality

    # Object properties: relations, their super-properties, provenance links
    interactsWith: URIRef  # interacts with
    hasRoleIn: URIRef  # has role in
    placedIn: URIRef  # placed in
    appealsTo: URIRef  # appeals to
    meetsWith: URIRef  # meets with
    facilitates: URIRef  # facilitates
    supports: URIRef  # supports
    cooperatesWith: URIRef  # cooperates with
    aids: URIRef  # aids
    demands: URIRef  # demands
    criticizes: URIRef  # criticizes
    accuses: URIRef  # accuses
    rejects: URIRef  # rejects
    warns: URIRef  # warns
    threatens: URIRef  # threatens
    protestsAgainst: URIRef  # protests against
    sanctions: URIRef  # sanctions
    intervenesIn: URIRef  # intervenes in
    attacks: URIRef  # attacks
    kills: URIRef  # kills
    leaderOf: URIRef  # leader of
    worksFor: URIRef  # works for
    memberOf: URIRef  # member of
    citizenOf: URIRef  # citizen of
    livesIn: URIRef  # lives in
    basedIn: URIRef  # based in
    locatedIn: URIRef  # located in
    mentionedIn: URIRef  # mentioned in
    document: URIRef  # document
    modality: URIRef  # modality

    # Datatype properties: identifiers and provenance
    iso3166Alpha2: URIRef  # ISO 3166-1 alpha-2 code
    iso3166Alpha3: URIRef  # ISO 3166-1 alpha-3 code
    sentence: URIRef  # evidence sentence
    start: URIRef  # start offset
    end: URIRef  # end offset
    sourceStart: URIRef  # subject mention start
    sourceEnd: URIRef  # subject mention end
    targetStart: URIRef  # object mention start
    targetEnd: URIRef  # object mention end
    confidence: URIRef  # confidence
    rule: URIRef  # extraction rule
    viaCoreference: URIRef  # via coreference
    contentHash: URIRef  # content hash

    # Annotation properties
    cameoRoot: URIRef  # CAMEO root
    quadClass: URIRef  # quad class
    cameoRange: URIRef  # CAMEO roots of a quad class
    relationGroup: URIRef  # relation group

    # Individuals: CAMEO quad classes and modalities
    VC: URIRef  # verbal cooperation
    MC: URIRef  # material cooperation
    VK: URIRef  # verbal conflict
    MK: URIRef  # material conflict
    asserted: URIRef  # asserted
    hypothetical: URIRef  # hypothetical
    negated: URIRef  # negated
    reported: URIRef  # reported
