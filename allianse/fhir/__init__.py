"""FHIR R4: instruments as Questionnaires, responses as QuestionnaireResponses, scores as Observations; import."""
