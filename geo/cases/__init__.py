"""Cases: every event-type incident as a case with an owner, a deadline, a history and an end.

Part of the core (no routing, no rain). Its face:

- :mod:`geo.cases.workflow`: the stages and the rules between them (no I/O);
- :mod:`geo.cases.timing`: time limits, the work calendar, deadlines and
  on time / warning / overdue (no store);
- :mod:`geo.cases.actions`: the steps as store transactions (``set_stage``,
  ``merge``, ``history``), the history table and default parties;
- :mod:`geo.cases.ledger`: the ledger (台账) and the figures per grid and party.
"""
