// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IOrganisationRegistry} from "./IOrganisationRegistry.sol";

/// @title ITnAuthority
/// @notice Authority over telephone numbers (ATIS EIDL "TN Authorization"): grants over E.164 prefixes that form chains
/// Allocation (Numbering Authority -> TNSP) -> Assignment (TNSP -> TNR or Brand) -> Delegation (TNR -> Brand,
/// Brand -> BPO, and further where the parent allows re-delegation). A prefix is 1..15 ASCII digits not starting with
/// 0; a grant on a prefix covers every number starting with it, so one grant on "1200200" is a NANP thousand-block and
/// one on "12002001234" a single number.
///
/// Rules:
/// - the caller controls the grantor organisation (IOrganisationRegistry.isController); for an assignment or a
///   delegation the grantor is the parent grant's holder, and the parent is valid at the new grant's start;
/// - the new prefix equals or extends the parent's prefix, and lies in no sub-prefix ported out of the chain's
///   allocation;
/// - the recipient is authorized now (IOrganisationRegistry.isAuthorized) and of a type the step allows;
/// - the new window lies within the parent's; `validFrom` 0 or in the past means "now", `validUntil` 0 means open;
///   windows are [validFrom, validUntil);
/// - allocations never overlap: no unrevoked allocation may cover the prefix, extend it, or be extended by it;
/// - bounds (issue 11, item 4): no assignment or delegation to the grantor itself (SelfGrant); a chain is at most
///   MAX_CHAIN_DEPTH (8) grants deep, allocation included (ChainTooDeep); a prefix carries at most
///   MAX_LIVE_GRANTS_PER_PREFIX (32) unrevoked grants (TooManyGrantsAtPrefix); `whoMayUse` and `mayUse` skip grants
///   revoked by the time asked about before walking their chain.
///
/// Validity is lazy: grant G is valid at time T iff G was not revoked at or before T, T is within G's window, G's
/// holder (and, for an allocation, its grantor) is authorized NOW, and G's parent is valid at T. So revoking a grant,
/// or withdrawing an organisation's vetting, invalidates everything below it without touching it.
///
/// Number port: `port` moves a block or a single number to another TNSP. If an allocation sits exactly on the ported
/// prefix it is revoked (reason NumberPort); otherwise the covering allocation stays for the rest of its block. Either
/// way a new allocation starts on the ported prefix. For any number the deciding allocation is the NEWEST allocation
/// on any of its prefixes that has started by the time asked about (a port nests a newer allocation inside an older
/// one; a fresh allocation can only cover an old one's prefix once that one was revoked). Only chains rooted in the
/// deciding allocation count for the number, so a ported-out number leaves its old chain for good (even if the
/// port-in is later revoked: then nobody holds it until the Numbering Authority ports it again) while the rest of the
/// block stays with the old chain. A port must not swallow an earlier port below it (AllocationOverlapsBelow): the
/// Numbering Authority ports around it or revokes it first.
///
/// Numbering-plan scope (issue 11, item 2): each Numbering Authority organisation may allocate and port only inside
/// its scope, a set of at most MAX_SCOPE_PREFIXES (16) E.164 prefixes (country codes or longer) set by governance: a
/// governor proposes the whole set (`proposeScope`, counting as its approval), governors approve (`approveScope`), and
/// the set replaces the old one once a strict majority of the consortium's governors in office approve (the
/// GovernorApprovals rule OperatorRegistry uses). An authority without a scope allocates and ports nothing. A proposal
/// made before the authority's scope last changed can no longer be executed (ScopeProposalSuperseded). A port records
/// on what authority it happens: both providers' consent or the Numbering Authority's order, with the hash of the
/// evidence kept off chain (the signed letter of authorization or the order).
///
/// Revocation reason codes are those of ICredentialStatusRegistry so a grant and its credential agree:
/// 0 Unspecified, 1 KeyCompromise, 2 Superseded, 3 CessationOfOperation, 4 Fraud, 5 NumberPort, 6 Canceled, 7 Expired,
/// 8 VettingWithdrawn; 9..999 reserved (rejected); >= 1000 domain-specific.
/// @dev Times are unix seconds. `isValid` and the number views take a time T, but organisation authorization is always
/// read as of now (the hierarchy keeps no history), so a past T answers "was the chain in its window and unrevoked
/// then, with today's vetting".
interface ITnAuthority {
    /// @notice The step a grant records (the seed's TN Authorization `Type`).
    enum GrantKind {
        Allocation,
        Assignment,
        Delegation
    }

    /// @notice What is wrong with a prefix.
    enum PrefixProblem {
        Empty,
        TooLong,
        NotADigit,
        LeadingZero
    }

    /// @notice On what authority a port happens: the losing and gaining providers both consented (e.g. a signed letter
    /// of authorization and the losing provider's confirmation), or the Numbering Authority ordered it (e.g. after a
    /// dispute or a provider's exit).
    enum PortAuthority {
        BothProvidersConsented,
        NumberingAuthorityOrder
    }

    /// @notice The authority a port records. `evidenceHash` is the hash of the evidence held off chain (the consents or
    /// the order); never zero.
    struct PortConsent {
        PortAuthority authority;
        bytes32 evidenceHash;
    }

    /// @notice A numbering-plan scope proposal as stored.
    struct ScopeProposal {
        address numberingAuthority;
        address proposer;
        string[] prefixes;
        bool executed;
        uint256 approvals;
    }

    /// @notice Constraints of a grant. `intendedUse` is free text (e.g. "voice"). The seed's caller name and purpose can
    /// name a person (a sole trader), so they never reach the chain in clear (issue 11, item 17): `callerHash` is
    /// keccak256(abi.encode(callerSalt, callerName, purpose)) with `callerSalt` 32 random bytes chosen per grant by the
    /// issuing agent. The salt and the plaintext live in the TN Authorization credential (credentialSubject
    /// `CallerName`, `Purpose`, `CallerSalt`) and in the read model of the agent hosting the grantor; whoever is shown
    /// the credential can check it against this hash, and nobody can test guessed names against it without the salt.
    /// Zero when the grant has neither. Emitted in GrantRecorded, not stored.
    struct Constraints {
        string intendedUse;
        bytes32 callerHash;
    }

    /// @notice What the grantor asks for when granting.
    /// @param holder The recipient organisation (a DID identity with an account).
    /// @param prefix The E.164 prefix (1..15 ASCII digits, first not 0).
    /// @param validFrom Start (unix seconds); 0 or a past time means the block's time.
    /// @param validUntil End, exclusive; 0 means open.
    /// @param allowRedelegation Lets the holder delegate beyond the standard steps (see `delegate`).
    /// @param credentialHash keccak256 of the id of the TN Authorization verifiable credential proving this step.
    /// @param salt Chosen by the caller, unique per grant it makes (random, or derived from an idempotency key): with
    /// the caller and the grant's content it makes the grant's id (see `grantIdOf`), so the caller knows the id before
    /// the transaction is mined and the id does not depend on the order transactions are mined in.
    struct GrantTerms {
        address holder;
        string prefix;
        uint64 validFrom;
        uint64 validUntil;
        bool allowRedelegation;
        bytes32 credentialHash;
        bytes32 salt;
        Constraints constraints;
    }

    /// @notice A grant as stored. `parentId` is 0 for allocations; `revokedAt` 0 while not revoked. The credential's hash
    /// is not stored (issue 12: two storage slots per grant): it is in the grant's GrantRecorded event.
    struct Grant {
        uint256 id;
        GrantKind kind;
        uint256 parentId;
        address grantor;
        address holder;
        string prefix;
        uint64 validFrom;
        uint64 validUntil;
        bool allowRedelegation;
        uint64 revokedAt;
        uint16 revokeReason;
    }

    /// @notice Emitted for every new grant (allocation, assignment, delegation, and the allocation a port creates),
    /// with the effective window. `constraints.callerHash` is a salted hash, never the caller name or purpose.
    event GrantRecorded(
        uint256 indexed grantId,
        uint256 indexed parentId,
        address indexed grantor,
        GrantKind kind,
        address holder,
        string prefix,
        uint64 validFrom,
        uint64 validUntil,
        bool allowRedelegation,
        bytes32 credentialHash,
        Constraints constraints
    );

    /// @notice Emitted when a grant is revoked (by `revoke`, or by `port` for an allocation exactly on the ported
    /// prefix). Everything below it stops being valid from `revokedAt` on.
    /// @param by The calling account.
    event GrantRevoked(uint256 indexed grantId, address indexed by, uint16 reason, uint64 revokedAt);

    /// @notice Emitted by `port` after the new allocation's GrantRecorded.
    /// @param fromAllocationId The allocation that covered the prefix (revoked if it sat exactly on it).
    /// @param fromTnsp The losing provider; `toTnsp` the gaining one.
    /// @param authority Both providers' consent or the Numbering Authority's order.
    /// @param evidenceHash Hash of the consents or the order, held off chain.
    event NumberPorted(
        uint256 indexed newAllocationId,
        uint256 indexed fromAllocationId,
        string prefix,
        address fromTnsp,
        address toTnsp,
        PortAuthority authority,
        bytes32 evidenceHash
    );

    /// @notice Emitted when governor `proposer` proposes `prefixes` as `numberingAuthority`'s whole scope.
    event ScopeProposed(
        uint256 indexed proposalId,
        address indexed numberingAuthority,
        address indexed proposer,
        string[] prefixes
    );

    /// @notice Emitted for each approval (the proposer's included); `approvals` counts governors in office.
    event ScopeApproved(uint256 indexed proposalId, address indexed governor, uint256 approvals);

    /// @notice Emitted when a scope proposal reaches a strict majority: `prefixes` is now the authority's whole scope.
    event NumberingScopeSet(uint256 indexed proposalId, address indexed numberingAuthority, string[] prefixes);

    /// @notice Thrown when a constructor argument is the zero address.
    error ZeroAddress(string what);
    /// @notice Thrown when a prefix is malformed; `position` is the 0-based offending byte (or the length for TooLong).
    error InvalidPrefix(string prefix, PrefixProblem problem, uint256 position);
    /// @notice Thrown when no grant has this id.
    error UnknownGrant(uint256 grantId);
    /// @notice Thrown when `org` has no organisation account.
    error UnknownOrganisation(address org);
    /// @notice Thrown when `caller` does not control organisation `org` (not its DID owner acting for its member).
    error NotOrganisationController(address org, address caller);
    /// @notice Thrown when the grantor organisation is not of a type that may make this kind of grant.
    error GrantorTypeNotAllowed(GrantKind kind, address grantor, IOrganisationRegistry.OrgType grantorType);
    /// @notice Thrown when the recipient's type is not allowed for this step from this grantor's type (for a
    /// delegation beyond the standard steps: the parent does not allow re-delegation).
    error RecipientTypeNotAllowed(
        GrantKind kind,
        IOrganisationRegistry.OrgType grantorType,
        IOrganisationRegistry.OrgType recipientType
    );
    /// @notice Thrown when the grantor organisation is not authorized now.
    error GrantorNotAuthorized(address grantor);
    /// @notice Thrown when the recipient organisation is not authorized now (unvetted, not authorized, blacklisted,
    /// or its vetter lost its own authorization).
    error RecipientNotAuthorized(address holder);
    /// @notice Thrown when the parent grant's kind cannot be the parent of this step.
    error WrongParentKind(uint256 parentId, GrantKind parentKind, GrantKind kind);
    /// @notice Thrown when the parent grant was revoked.
    error ParentRevoked(uint256 parentId, uint16 reason, uint64 revokedAt);
    /// @notice Thrown when the parent chain is not valid at `at` (outside a window, or an organisation in the chain is
    /// no longer authorized, or an ancestor was revoked).
    error ParentNotValid(uint256 parentId, uint64 at);
    /// @notice Thrown when the new prefix neither equals nor extends the parent's prefix.
    error PrefixNotCovered(string prefix, string parentPrefix);
    /// @notice Thrown when the new prefix lies in a sub-prefix that allocation `allocationId` took out of the chain's
    /// allocation by a port.
    error PrefixPortedOut(string prefix, uint256 allocationId);
    /// @notice Thrown when validUntil is not after validFrom (after clamping validFrom to now).
    error InvalidWindow(uint64 validFrom, uint64 validUntil);
    /// @notice Thrown when the new window is not within the parent's window.
    error WindowOutsideParent(
        uint256 parentId,
        uint64 validFrom,
        uint64 validUntil,
        uint64 parentValidFrom,
        uint64 parentValidUntil
    );
    /// @notice Thrown when an unrevoked allocation `allocationId` covers (equals or is a prefix of) the new prefix.
    error AllocationOverlaps(string prefix, uint256 allocationId);
    /// @notice Thrown when `count` unrevoked allocations extend the new prefix.
    error AllocationOverlapsBelow(string prefix, uint256 count);
    /// @notice Thrown when `port` finds no unrevoked allocation on or above the prefix.
    error NothingToPort(string prefix);
    /// @notice Thrown when the grant is already revoked.
    error AlreadyRevoked(uint256 grantId, uint64 revokedAt);
    /// @notice Thrown when `caller` controls neither the grant's grantor nor the Numbering Authority at its chain's
    /// root.
    error NotRevoker(uint256 grantId, address caller);
    /// @notice Thrown when a reason code is in the reserved range 9..999.
    error ReservedReason(uint16 reason);
    /// @notice Thrown when the id a new grant derives (see `grantIdOf`) is 0 or already names a grant: the caller
    /// reused a salt for the same content, or (about one chance in 2^64 per existing grant) two grants collided. The
    /// caller retries with a fresh salt.
    error GrantIdTaken(uint256 id);
    /// @notice Thrown when a constraint string is longer than `max` bytes.
    error ConstraintTooLong(string field, uint256 length, uint256 max);
    /// @notice Thrown when an assignment or delegation would go from organisation `org` to itself (it would only
    /// deepen the chain and grow the prefix's list).
    error SelfGrant(uint256 parentId, address org);
    /// @notice Thrown when parent `parentId` already sits at the deepest level a chain may reach (`maxDepth`,
    /// allocation included).
    error ChainTooDeep(uint256 parentId, uint256 maxDepth);
    /// @notice Thrown when `prefix` already carries `max` unrevoked grants; revoke one first.
    error TooManyGrantsAtPrefix(string prefix, uint256 max);
    /// @notice Thrown when Numbering Authority `numberingAuthority` allocates or ports `prefix` outside its
    /// numbering-plan scope (or has none).
    error OutsideNumberingScope(address numberingAuthority, string prefix);
    /// @notice Thrown when a port names no evidence (`evidenceHash` zero).
    error MissingPortEvidence(string prefix);
    /// @notice Thrown when `account` is not a governor of the consortium now.
    error NotGovernor(address account);
    /// @notice Thrown when `org` is not a NumberingAuthority organisation.
    error NotNumberingAuthority(address org);
    /// @notice Thrown when a scope proposal names more than `max` prefixes.
    error TooManyScopePrefixes(uint256 count, uint256 max);
    /// @notice Thrown when a scope proposal names `prefix` twice.
    error DuplicateScopePrefix(string prefix);
    /// @notice Thrown when no scope proposal has this id.
    error UnknownScopeProposal(uint256 proposalId);
    /// @notice Thrown when the scope proposal was already executed.
    error ScopeProposalExecuted(uint256 proposalId);
    /// @notice Thrown when the authority's scope changed after the proposal was made.
    error ScopeProposalSuperseded(uint256 proposalId);
    /// @notice Thrown when `governor` already approved the proposal.
    error ScopeAlreadyApproved(uint256 proposalId, address governor);
    /// @notice Thrown when item `index` (0-based) of a batch is refused: `reason` is the custom error the single call
    /// would have reverted with (empty when the item ran out of gas). Nothing of the batch is recorded.
    error BatchItemRefused(uint256 index, bytes reason);
    /// @notice Thrown when a batch of `count` items ran out of gas (the caller splits it: see docs/eidl.md); nothing of
    /// it is recorded.
    error BatchOutOfGas(uint256 count);
    /// @notice Thrown when a batch is empty or has more than MAX_BATCH_ITEMS items.
    error BatchSizeOutOfRange(uint256 count, uint256 max);
    /// @notice Thrown when `runGrantBatch`, `runRevokeBatch` or `runPortBatch` is called by anyone but the contract itself.
    error NotBatchSelfCall(address caller);
    /// @notice Thrown when `portBatch` gets `consents` consents for `count` ports (one consent per port).
    error BatchLengthMismatch(uint256 count, uint256 consents);

    /// @notice Allocates `terms.prefix` from Numbering Authority organisation `numberingAuthority` to a TNSP.
    /// @dev Requirements: the caller controls `numberingAuthority`, a NumberingAuthority organisation authorized now;
    /// the prefix lies inside its numbering-plan scope (OutsideNumberingScope); `terms.holder` is an authorized Tnsp; the prefix is well-formed and overlaps no unrevoked allocation;
    /// the window is well-formed; `intendedUse` is at most 256 bytes; the derived id is free (GrantIdTaken).
    /// Emits GrantRecorded.
    /// @return grantId The new grant's id: `grantIdOf(msg.sender, terms.salt, Allocation, 0, terms.prefix,
    /// terms.holder)`.
    function allocate(address numberingAuthority, GrantTerms calldata terms) external returns (uint256 grantId);

    /// @notice Assigns `terms.prefix` (equal to or under the allocation's prefix) from the TNSP holding allocation
    /// `parentId` to a TNR or Brand.
    /// @dev Requirements: the parent is an Allocation valid at the new start; the caller controls its holder (a
    /// Tnsp, authorized); `terms.holder` is an authorized Tnr or Brand; prefix covered by the parent and not ported
    /// out; window within the parent's; the derived id is free. Emits GrantRecorded.
    /// @return grantId `grantIdOf(msg.sender, terms.salt, Assignment, parentId, terms.prefix, terms.holder)`.
    function assign(uint256 parentId, GrantTerms calldata terms) external returns (uint256 grantId);

    /// @notice Delegates `terms.prefix` from the holder of assignment or delegation `parentId` to a Brand or BPO.
    /// @dev Requirements: the parent is an Assignment or Delegation valid at the new start; the caller controls its
    /// holder; the step is standard (Tnr -> Brand, Brand -> Bpo) or the parent has `allowRedelegation` (then any
    /// of Tnr, Brand, Bpo -> Brand or Bpo); `terms.holder` is authorized; prefix covered and not ported out; window
    /// within the parent's; the derived id is free. Emits GrantRecorded.
    /// @return grantId `grantIdOf(msg.sender, terms.salt, Delegation, parentId, terms.prefix, terms.holder)`.
    function delegate(uint256 parentId, GrantTerms calldata terms) external returns (uint256 grantId);

    /// @notice Allocates each of `terms` from `numberingAuthority`, in order, by the same rules as `allocate`.
    /// @dev Batches (issue 12): all or nothing. An item that `allocate` would refuse refuses the whole batch with
    /// BatchItemRefused(index, the item's custom error); a batch that runs out of gas reverts BatchOutOfGas; an empty batch or one of more than MAX_BATCH_ITEMS items
    /// reverts BatchSizeOutOfRange. Each item's id is derived exactly as for the single call, with `msg.sender` as
    /// the caller, so a batch and single calls with the same salts give the same ids. One GrantRecorded per item.
    /// @return grantIds The new grants' ids, in the order of `terms`.
    function allocateBatch(
        address numberingAuthority,
        GrantTerms[] calldata terms
    ) external returns (uint256[] memory grantIds);

    /// @notice Assigns each of `terms` under allocation `parentId`, in order, by the same rules as `assign`.
    /// @dev All or nothing, as `allocateBatch`.
    /// @return grantIds The new grants' ids, in the order of `terms`.
    function assignBatch(uint256 parentId, GrantTerms[] calldata terms) external returns (uint256[] memory grantIds);

    /// @notice Delegates each of `terms` under assignment or delegation `parentId`, in order, by the same rules as
    /// `delegate`: a reseller's thousands of numbers in a few transactions.
    /// @dev All or nothing, as `allocateBatch`.
    /// @return grantIds The new grants' ids, in the order of `terms`.
    function delegateBatch(uint256 parentId, GrantTerms[] calldata terms) external returns (uint256[] memory grantIds);

    /// @notice Revokes each of `grantIds` with `reason`, in order, by the same rules as `revoke`.
    /// @dev All or nothing: a grant `revoke` would refuse (unknown, already revoked, also earlier in the same batch,
    /// caller not its revoker) refuses the whole batch with BatchItemRefused(index, reason). Emits GrantRevoked per
    /// grant.
    function revokeBatch(uint256[] calldata grantIds, uint16 reason) external;

    /// @notice A whole grant batch, or one item of it, run by the contract itself with the batch call's arguments
    /// followed by the kind (1 byte), which item to run (2 bytes: 0 every item; i + 1 item i alone, with every check
    /// of the single call, run only to name the first refused item) and the original caller (20 bytes), as ERC-2771
    /// forwarders append the sender. In a whole run, later items with the first item's holder and start skip the
    /// checks the first item passed (caller, parent, recipient, parent valid).
    /// @dev Reverts NotBatchSelfCall for any other caller than the contract itself.
    function runGrantBatch(
        uint256 parentOrAuthority,
        GrantTerms[] calldata terms
    ) external returns (uint256[] memory grantIds);

    /// @notice A whole `revokeBatch`, or one item of it, run by the contract itself as `runGrantBatch` (the kind byte
    /// unused).
    /// @dev Reverts NotBatchSelfCall for any other caller than the contract itself.
    function runRevokeBatch(uint256[] calldata grantIds, uint16 reason) external;

    /// @notice Revokes grant `grantId` with `reason`; everything below it stops being valid (lazily). Revoking an
    /// allocation frees its prefix for a new allocation.
    /// @dev Requirements: the grant exists and is not revoked; the caller controls its grantor or the Numbering
    /// Authority organisation that granted the chain's allocation; the reason is not reserved. Emits GrantRevoked.
    function revoke(uint256 grantId, uint16 reason) external;

    /// @notice Ports `terms.prefix` (a block or a single number) to TNSP `terms.holder`, effective now. See the
    /// contract notice for what happens to the old chain.
    /// @dev Requirements: the caller controls `numberingAuthority` (an authorized NumberingAuthority); the prefix lies
    /// inside its numbering-plan scope (OutsideNumberingScope), so an authority ports only numbers of its own plan;
    /// `consent.evidenceHash` is not zero (MissingPortEvidence); an unrevoked allocation covers the prefix (on it or
    /// above it) and none extends it; `terms.holder` is an authorized Tnsp; window and constraints as for `allocate`
    /// (validFrom is always now). Emits GrantRevoked (when the covering allocation sits exactly on the prefix),
    /// GrantRecorded (the new allocation) and NumberPorted (with the consent).
    /// @return grantId The new allocation's id, derived as for `allocate`.
    function port(
        address numberingAuthority,
        GrantTerms calldata terms,
        PortConsent calldata consent
    ) external returns (uint256 grantId);

    /// @notice Ports each of `terms` from `numberingAuthority`, in order, by the same rules as `port`, item `i` on the
    /// authority of `consents[i]`: the Numbering Authority's side of many cleared ports (e.g. a clearinghouse's batch
    /// activation) in one transaction.
    /// @dev Requirements: `consents` has one consent per item (BatchLengthMismatch); 1 to MAX_BATCH_ITEMS items
    /// (BatchSizeOutOfRange); each item passes every check of `port` with `msg.sender` as the caller (the caller
    /// controls `numberingAuthority`, an authorized NumberingAuthority; the prefix is inside its scope; the evidence
    /// is not zero; an unrevoked allocation covers the prefix and none extends it; the holder is an authorized Tnsp;
    /// window and constraints). Later items see the earlier items' effects, as consecutive single calls would (so
    /// the same prefix twice ports it twice, and a block after a number inside it is refused AllocationOverlapsBelow).
    /// All or nothing: an item `port` would refuse refuses the whole batch with BatchItemRefused(index, the item's
    /// custom error); a batch that runs out of gas reverts BatchOutOfGas. Later items with the first item's holder
    /// skip the authority and recipient checks the first item passed (nothing in a batch changes their answer).
    /// Emits, per item and in order, exactly what `port` emits: GrantRevoked (when the covering allocation sits on
    /// the prefix, `by` the caller), GrantRecorded and NumberPorted.
    /// @return grantIds The new allocations' ids, each derived as for `port`, in the order of `terms`.
    function portBatch(
        address numberingAuthority,
        GrantTerms[] calldata terms,
        PortConsent[] calldata consents
    ) external returns (uint256[] memory grantIds);

    /// @notice A whole `portBatch`, or one item of it, run by the contract itself as `runGrantBatch` (the kind byte
    /// unused).
    /// @dev Reverts NotBatchSelfCall for any other caller than the contract itself.
    function runPortBatch(
        address numberingAuthority,
        GrantTerms[] calldata terms,
        PortConsent[] calldata consents
    ) external returns (uint256[] memory grantIds);

    /// @notice Proposes `prefixes` (at most 16 distinct well-formed prefixes; empty withdraws the scope) as Numbering
    /// Authority `numberingAuthority`'s whole numbering-plan scope. The proposer's approval is recorded; with a single
    /// governor the scope is set at once.
    /// @dev Requirements: the caller is a governor; `numberingAuthority` is a NumberingAuthority organisation. Emits
    /// ScopeProposed, ScopeApproved, and NumberingScopeSet at a strict majority.
    function proposeScope(address numberingAuthority, string[] calldata prefixes) external returns (uint256 proposalId);

    /// @notice Approves scope proposal `proposalId`; at a strict majority of the governors in office the scope is set.
    /// @dev Requirements: the caller is a governor that has not approved it; the proposal exists, is not executed, and
    /// the authority's scope has not changed since it was made. Emits ScopeApproved, and NumberingScopeSet at a strict
    /// majority.
    function approveScope(uint256 proposalId) external;

    /// @notice Scope proposal `proposalId`, with its approvals by governors in office now.
    /// @dev Requirements: the proposal exists.
    function scopeProposal(uint256 proposalId) external view returns (ScopeProposal memory);

    /// @notice Numbering Authority `numberingAuthority`'s numbering-plan scope (empty when it has none).
    function scopeOf(address numberingAuthority) external view returns (string[] memory prefixes);

    /// @notice Whether `prefix` lies inside `numberingAuthority`'s scope (equals or extends one of its prefixes).
    /// @dev Requirements: `prefix` is well-formed.
    function inScope(address numberingAuthority, string calldata prefix) external view returns (bool);

    /// @notice Grant `grantId`.
    /// @dev Requirements: the grant exists.
    function grant(uint256 grantId) external view returns (Grant memory);

    /// @notice Whether grant `grantId`'s chain is valid at `time` (see the contract notice). False for an unknown id.
    /// Block-level: a number ported out of the grant's block is excluded by `mayUse`/`whoMayUse`, not here.
    function isValid(uint256 grantId, uint64 time) external view returns (bool);

    /// @notice The grants that let someone use `number` at `time`, one per valid grant in the chain of the number's
    /// deciding allocation, shallowest prefix first (the allocation's holder first). Empty when nobody may.
    /// @dev Requirements: `number` is a well-formed prefix (a whole number or a block).
    function whoMayUse(
        string calldata number,
        uint64 time
    ) external view returns (address[] memory holders, uint256[] memory grantIds);

    /// @notice Whether `holder` may use `number` at `time`, and through which grant (the first found, 0 if none).
    /// @dev Requirements: `number` is well-formed.
    function mayUse(string calldata number, address holder, uint64 time) external view returns (bool, uint256 grantId);

    /// @notice The allocation deciding `number` at `time` (see the contract notice); 0 when none has started.
    /// @dev Requirements: `number` is well-formed.
    function decidingAllocation(string calldata number, uint64 time) external view returns (uint256 allocationId);

    /// @notice Every grant ever made on exactly `prefix`, oldest first. The chain of custody of a number is the
    /// concatenation of `grantsAt` over its prefixes.
    /// @dev Requirements: `prefix` is well-formed.
    function grantsAt(string calldata prefix) external view returns (uint256[] memory grantIds);

    /// @notice The chain from the allocation down to `grantId` (allocation first).
    /// @dev Requirements: the grant exists.
    function chainOf(uint256 grantId) external view returns (uint256[] memory grantIds);

    /// @notice The unrevoked allocation sitting exactly on `prefix` (0 if none) and how many unrevoked allocations
    /// extend it.
    /// @dev Requirements: `prefix` is well-formed.
    function allocationState(
        string calldata prefix
    ) external view returns (uint256 activeAllocationId, uint256 allocationsBelow);

    /// @notice Number of grants ever made. Ids are not counted (see `grantIdOf`); the count also orders grants
    /// internally ("newest allocation") and lets a consistency check compare a read model's size with the chain's.
    function grantCount() external view returns (uint256);

    /// @notice The id a grant made by `caller` with `salt` and this content gets: the low 64 bits of
    /// keccak256(abi.encode(block.chainid, address(this), caller, salt, kind, parentId, prefix, holder)) (0 for an
    /// allocation's parentId). It depends on nothing the order of mining changes, so the id an agent computes and
    /// acknowledges before its transaction is mined is the id on chain after any replay or reorganisation.
    /// @dev 64 bits keep grant keys and the per-prefix linked lists packed (a prefix's state is four 64-bit fields in
    /// one slot; a grant's parent and previous-at-prefix links share a slot).
    /// Griefing: another account cannot take a victim's id by front-running with the same salt, because the
    /// caller's address is in the preimage; it would have to find its own preimage whose low 64 bits equal the
    /// victim's id, a search of about 2^64 hashes, infeasible within a block time. An honest collision (birthday
    /// bound: about even odds only after 2^32 grants) reverts with GrantIdTaken and the caller retries with a new salt.
    function grantIdOf(
        address caller,
        bytes32 salt,
        GrantKind kind,
        uint256 parentId,
        string calldata prefix,
        address holder
    ) external view returns (uint256);

    /// @notice The organisation registry this contract asks about organisations and their authorization.
    function organisations() external view returns (address);

    /// @notice The consortium registry.
    function consortium() external view returns (address);

    /// @notice The contract's version, "1.0.0".
    function version() external view returns (string memory);
}
