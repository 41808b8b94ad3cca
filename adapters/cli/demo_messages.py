"""The demo's own iJw 3.2 messages: a JW301 Toewijzing and the JW302 retour that answers it.

Both are written by this project and validate against the official iJw 3.2 XSDs. The BSN
is a fictitious test number from the 9999 range.
"""

from __future__ import annotations

JW301 = """<?xml version="1.0" encoding="UTF-8"?>
<jw301:Bericht xmlns:jw301="http://www.istandaarden.nl/ijw/3_2/jw301/schema" xmlns:ijw="http://www.istandaarden.nl/ijw/3_2/basisschema/schema">
  <jw301:Header>
    <jw301:BerichtCode>436</jw301:BerichtCode>
    <jw301:BerichtVersie>3</jw301:BerichtVersie>
    <jw301:BerichtSubversie>2</jw301:BerichtSubversie>
    <jw301:Afzender>{gemeente}</jw301:Afzender>
    <jw301:Ontvanger>{aanbieder}</jw301:Ontvanger>
    <jw301:BerichtIdentificatie>
      <ijw:Identificatie>{identificatie}</ijw:Identificatie>
      <ijw:Dagtekening>{dagtekening}</ijw:Dagtekening>
    </jw301:BerichtIdentificatie>
    <jw301:XsdVersie>
      <ijw:BasisschemaXsdVersie>1.0.0</ijw:BasisschemaXsdVersie>
      <ijw:BerichtXsdVersie>1.0.0</ijw:BerichtXsdVersie>
    </jw301:XsdVersie>
  </jw301:Header>
  <jw301:Client>
    <jw301:Bsn>999990019</jw301:Bsn>
    <jw301:Geboortedatum><ijw:Datum>2012-05-01</ijw:Datum></jw301:Geboortedatum>
    <jw301:Geslacht>2</jw301:Geslacht>
    <jw301:Naam>
      <ijw:Geslachtsnaam><ijw:Achternaam>Demo</ijw:Achternaam></ijw:Geslachtsnaam>
      <ijw:Voorletters>A</ijw:Voorletters>
      <ijw:NaamGebruik>1</ijw:NaamGebruik>
    </jw301:Naam>
    <jw301:Communicatie><ijw:Vorm>1</ijw:Vorm></jw301:Communicatie>
    <jw301:JuridischeStatus>01</jw301:JuridischeStatus>
    <jw301:WettelijkeVertegenwoordiging>09</jw301:WettelijkeVertegenwoordiging>
    <jw301:Contactgegevens>
      <jw301:Contact>
        <jw301:Soort>01</jw301:Soort>
        <jw301:Adres>
          <ijw:Huis><ijw:Huisnummer>1</ijw:Huisnummer></ijw:Huis>
          <ijw:Postcode>9999ZZ</ijw:Postcode>
          <ijw:Straatnaam>Demostraat</ijw:Straatnaam>
          <ijw:Plaatsnaam>Amsterdam</ijw:Plaatsnaam>
          <ijw:LandCode>NL</ijw:LandCode>
        </jw301:Adres>
      </jw301:Contact>
    </jw301:Contactgegevens>
    <jw301:ToegewezenProducten>
      <jw301:ToegewezenProduct>
        <jw301:ToewijzingNummer>1</jw301:ToewijzingNummer>
        <jw301:Product><ijw:Categorie>55</ijw:Categorie><ijw:Code>55A11</ijw:Code></jw301:Product>
        <jw301:Toewijzingsdatum>{dagtekening}</jw301:Toewijzingsdatum>
        <jw301:Toewijzingstijd>10:00:00</jw301:Toewijzingstijd>
        <jw301:Ingangsdatum>{dagtekening}</jw301:Ingangsdatum>
        <jw301:Einddatum>{einddatum}</jw301:Einddatum>
        <jw301:Omvang><ijw:Volume>2</ijw:Volume><ijw:Eenheid>04</ijw:Eenheid><ijw:Frequentie>2</ijw:Frequentie></jw301:Omvang>
      </jw301:ToegewezenProduct>
    </jw301:ToegewezenProducten>
  </jw301:Client>
</jw301:Bericht>
"""

JW302 = """<?xml version="1.0" encoding="UTF-8"?>
<jw302:Bericht xmlns:jw302="http://www.istandaarden.nl/ijw/3_2/jw302/schema" xmlns:ijw="http://www.istandaarden.nl/ijw/3_2/basisschema/schema">
  <jw302:Header>
    <jw302:BerichtCode>437</jw302:BerichtCode>
    <jw302:BerichtVersie>3</jw302:BerichtVersie>
    <jw302:BerichtSubversie>2</jw302:BerichtSubversie>
    <jw302:Afzender>{gemeente}</jw302:Afzender>
    <jw302:Ontvanger>{aanbieder}</jw302:Ontvanger>
    <jw302:BerichtIdentificatie>
      <ijw:Identificatie>{identificatie}</ijw:Identificatie>
      <ijw:Dagtekening>{dagtekening}</ijw:Dagtekening>
    </jw302:BerichtIdentificatie>
    <jw302:XsdVersie>
      <ijw:BasisschemaXsdVersie>1.0.0</ijw:BasisschemaXsdVersie>
      <ijw:BerichtXsdVersie>1.0.0</ijw:BerichtXsdVersie>
    </jw302:XsdVersie>
    <jw302:IdentificatieRetour>{identificatie_retour}</jw302:IdentificatieRetour>
    <jw302:DagtekeningRetour>{dagtekening}</jw302:DagtekeningRetour>
    <jw302:XsdVersieRetour>
      <ijw:BasisschemaXsdVersie>1.0.0</ijw:BasisschemaXsdVersie>
      <ijw:BerichtXsdVersie>1.0.0</ijw:BerichtXsdVersie>
    </jw302:XsdVersieRetour>
  </jw302:Header>
</jw302:Bericht>
"""


def toewijzing(gemeente: str, aanbieder: str, identificatie: str, dagtekening: str, einddatum: str) -> bytes:
    return JW301.format(gemeente=gemeente, aanbieder=aanbieder, identificatie=identificatie,
                        dagtekening=dagtekening, einddatum=einddatum).encode("utf-8")


def retour_on_toewijzing(gemeente: str, aanbieder: str, identificatie: str, dagtekening: str,
                         identificatie_retour: str) -> bytes:
    return JW302.format(gemeente=gemeente, aanbieder=aanbieder, identificatie=identificatie,
                        dagtekening=dagtekening, identificatie_retour=identificatie_retour).encode("utf-8")
