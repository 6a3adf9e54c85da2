// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Chains of authority over E.164 prefixes (allocation -> assignment -> delegation), checked on every step and
// evaluated lazily: nothing below a revoked grant or an unvetted organisation is ever touched, it just stops counting.
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {GovernorApprovals} from "../roaming/GovernorApprovals.sol";
import {IOrganisationRegistry} from "./IOrganisationRegistry.sol";
import {ITnAuthority} from "./ITnAuthority.sol";
import {TnPrefix, TnPrefixLib} from "./TnPrefix.sol";

contract TnAuthority is ITnAuthority {
    using TnPrefixLib for TnPrefix;
    using GovernorApprovals for GovernorApprovals.Set;

    /// @notice Longest intended-use string, in bytes.
    uint256 public constant MAX_CONSTRAINT_LENGTH = 256;
    /// @notice Reason code `port` records on the allocation it replaces (ICredentialStatusRegistry's NumberPort).
    uint16 public constant REASON_NUMBER_PORT = 5;
    /// @notice Longest chain, allocation included. The standard chain is 4 deep (allocation, assignment, TNR -> Brand,
    /// Brand -> BPO); 8 leaves four re-delegation steps and bounds every chain walk (`isValid`, `whoMayUse`, `revoke`)
    /// at 8 steps. The read model uses the same cap.
    uint256 public constant MAX_CHAIN_DEPTH = 8;
    /// @notice Most unrevoked grants one prefix may carry at once. A number rarely needs more than a handful (the
    /// chain plus a few BPOs); 32 keeps `whoMayUse` on a fully loaded number near 1.2M gas.
    uint256 public constant MAX_LIVE_GRANTS_PER_PREFIX = 32;
    /// @notice Most prefixes in one Numbering Authority's scope: a national authority needs one country code, a
    /// regional one a few; 16 bounds the scope walk of every allocation and port and each scope change.
    uint256 public constant MAX_SCOPE_PREFIXES = 16;
    /// @notice Most items in one batch call (`allocateBatch`, `assignBatch`, `delegateBatch`, `revokeBatch`,
    /// `portBatch`): bounds the calldata; the block gas limit bounds a batch further (a delegation inside a batch costs
    /// about 100k gas, a port about 144k).
    uint256 public constant MAX_BATCH_ITEMS = 1000;

    // Two slots per grant (issue 12: a delegation inside a batch must cost at most 100k gas, and every fresh slot costs
    // 22.1k). Strings (prefix text, constraints) and the credential's hash live only in GrantRecorded; the grantor
    // is the parent's holder below an allocation and in `_allocationGrantors` for an allocation; the revocation
    // reason is in `_revokeReasons` (written only when a grant is revoked); the depth is counted up the chain (at
    // most MAX_CHAIN_DEPTH steps). Times fit 40 bits (year 36812); a prefix key fits 56 bits (11^15 < 2^52).
    // Grants are keyed by their content-derived 64-bit id (see grantIdOf), which says nothing about age: `sequence`
    // (1, 2, ... in the order grants were recorded; 0 = no grant under this key) answers "which allocation is newest".
    struct StoredGrant {
        address holder;
        uint40 validFrom;
        uint40 validUntil;
        GrantKind kind;
        bool allowRedelegation;
        uint32 sequence;
        uint56 prefix;
        uint64 parentId;
        // The grant recorded on the same prefix before this one: the per-prefix history is a linked list.
        uint64 previousAtPrefix;
        uint40 revokedAt;
    }

    // One slot per prefix. At most one unrevoked allocation sits on a prefix, and it is always the newest there.
    // `liveGrants` counts the unrevoked grants recorded exactly here (bounded by MAX_LIVE_GRANTS_PER_PREFIX).
    struct PrefixState {
        uint64 latestGrant;
        uint64 latestAllocation;
        uint64 allocationsBelow;
        uint64 liveGrants;
    }

    // A numbering-plan scope proposal: `baseVersion` is the authority's scope version when it was made, so a proposal
    // overtaken by another scope change cannot be executed.
    struct StoredScopeProposal {
        address numberingAuthority;
        uint32 baseVersion;
        bool executed;
        address proposer;
        uint64[] prefixes;
        GovernorApprovals.Set approvals;
    }

    // One authority's scope: the prefix keys (for listing and clearing), a membership map for the walk up a prefix,
    // and a version counting scope changes.
    struct Scope {
        uint64[] prefixes;
        mapping(uint64 prefixKey => bool) covers;
        uint32 version;
    }

    IConsortiumRegistry private immutable CONSORTIUM;
    IOrganisationRegistry private immutable ORGANISATIONS;

    mapping(uint64 grantId => StoredGrant) private _grants;
    mapping(uint64 allocationId => address numberingAuthority) private _allocationGrantors;
    mapping(uint64 grantId => uint16 reason) private _revokeReasons;
    mapping(uint64 prefixKey => PrefixState) private _prefixes;
    uint32 private _grantCount;
    mapping(address numberingAuthority => Scope) private _scopes;
    mapping(uint256 proposalId => StoredScopeProposal) private _scopeProposals;
    uint256 private _scopeProposalCount;

    constructor(IConsortiumRegistry consortium_, IOrganisationRegistry organisations_) {
        if (address(consortium_) == address(0)) revert ZeroAddress("consortium");
        if (address(organisations_) == address(0)) revert ZeroAddress("organisations");
        CONSORTIUM = consortium_;
        ORGANISATIONS = organisations_;
    }

    /// @inheritdoc ITnAuthority
    function allocate(address numberingAuthority, GrantTerms calldata terms) external returns (uint256) {
        return _allocate(msg.sender, numberingAuthority, terms);
    }

    /// @inheritdoc ITnAuthority
    function assign(uint256 parentId, GrantTerms calldata terms) external returns (uint256) {
        return _passOn(msg.sender, GrantKind.Assignment, parentId, terms, false);
    }

    /// @inheritdoc ITnAuthority
    function delegate(uint256 parentId, GrantTerms calldata terms) external returns (uint256) {
        return _passOn(msg.sender, GrantKind.Delegation, parentId, terms, false);
    }

    /// @inheritdoc ITnAuthority
    function revoke(uint256 grantId, uint16 reason) external {
        _revokeAs(msg.sender, grantId, reason);
    }

    /// @inheritdoc ITnAuthority
    function allocateBatch(
        address numberingAuthority,
        GrantTerms[] calldata terms
    ) external returns (uint256[] memory grantIds) {
        return _grantBatch(GrantKind.Allocation, uint256(uint160(numberingAuthority)), terms);
    }

    /// @inheritdoc ITnAuthority
    function assignBatch(uint256 parentId, GrantTerms[] calldata terms) external returns (uint256[] memory grantIds) {
        return _grantBatch(GrantKind.Assignment, parentId, terms);
    }

    /// @inheritdoc ITnAuthority
    function delegateBatch(uint256 parentId, GrantTerms[] calldata terms) external returns (uint256[] memory grantIds) {
        return _grantBatch(GrantKind.Delegation, parentId, terms);
    }

    /// @inheritdoc ITnAuthority
    // The arguments reach runRevokeBatch in this call's own calldata (_runBatch forwards msg.data).
    // solhint-disable-next-line no-unused-vars
    function revokeBatch(uint256[] calldata grantIds, uint16 reason) external {
        _runBatch(this.runRevokeBatch.selector, GrantKind.Allocation, grantIds.length);
    }

    /// @inheritdoc ITnAuthority
    function runGrantBatch(
        uint256 parentOrAuthority,
        GrantTerms[] calldata terms
    ) external returns (uint256[] memory grantIds) {
        (GrantKind kind, uint256 only, address caller) = _forwarded();
        if (only != 0) return _grantOne(caller, kind, parentOrAuthority, terms[only - 1]);
        uint256 count = terms.length;
        grantIds = new uint256[](count);
        if (kind == GrantKind.Allocation) {
            address numberingAuthority = address(uint160(parentOrAuthority));
            for (uint256 i = 0; i < count; ++i) grantIds[i] = _allocate(caller, numberingAuthority, terms[i]);
            return grantIds;
        }
        // The checks that depend only on the caller, the parent, the holder and the start ran for the first item;
        // later items with the same holder and start skip them (nothing in a batch changes their answer).
        address holder = terms[0].holder;
        uint64 start = _startOf(terms[0].validFrom);
        grantIds[0] = _passOn(caller, kind, parentOrAuthority, terms[0], false);
        for (uint256 i = 1; i < count; ++i) {
            GrantTerms calldata item = terms[i];
            bool checked = item.holder == holder && _startOf(item.validFrom) == start;
            grantIds[i] = _passOn(caller, kind, parentOrAuthority, item, checked);
        }
    }

    /// @inheritdoc ITnAuthority
    function runRevokeBatch(uint256[] calldata grantIds, uint16 reason) external {
        (, uint256 only, address caller) = _forwarded();
        if (only != 0) return _revokeAs(caller, grantIds[only - 1], reason);
        for (uint256 i = 0; i < grantIds.length; ++i) _revokeAs(caller, grantIds[i], reason);
    }

    /// @inheritdoc ITnAuthority
    function port(
        address numberingAuthority,
        GrantTerms calldata terms,
        PortConsent calldata consent
    ) external returns (uint256) {
        return _port(msg.sender, numberingAuthority, terms, consent, false);
    }

    /// @inheritdoc ITnAuthority
    // The arguments reach runPortBatch in this call's own calldata (_runBatch forwards msg.data).
    function portBatch(
        // solhint-disable-next-line no-unused-vars
        address numberingAuthority,
        GrantTerms[] calldata terms,
        PortConsent[] calldata consents
    ) external returns (uint256[] memory grantIds) {
        if (consents.length != terms.length) revert BatchLengthMismatch(terms.length, consents.length);
        return abi.decode(_runBatch(this.runPortBatch.selector, GrantKind.Allocation, terms.length), (uint256[]));
    }

    /// @inheritdoc ITnAuthority
    function runPortBatch(
        address numberingAuthority,
        GrantTerms[] calldata terms,
        PortConsent[] calldata consents
    ) external returns (uint256[] memory) {
        (, uint256 only, address caller) = _forwarded();
        return _portEach(caller, numberingAuthority, terms, consents, only);
    }

    /// @inheritdoc ITnAuthority
    function proposeScope(
        address numberingAuthority,
        string[] calldata prefixes
    ) external returns (uint256 proposalId) {
        _requireGovernor(msg.sender);
        _requireNumberingAuthorityType(numberingAuthority);
        uint256 count = prefixes.length;
        if (count > MAX_SCOPE_PREFIXES) revert TooManyScopePrefixes(count, MAX_SCOPE_PREFIXES);
        proposalId = ++_scopeProposalCount;
        StoredScopeProposal storage proposal = _scopeProposals[proposalId];
        proposal.numberingAuthority = numberingAuthority;
        proposal.baseVersion = _scopes[numberingAuthority].version;
        proposal.proposer = msg.sender;
        for (uint256 i = 0; i < count; ++i) {
            uint64 key = TnPrefixLib.parse(prefixes[i]).key();
            for (uint256 j = 0; j < i; ++j) {
                if (proposal.prefixes[j] == key) revert DuplicateScopePrefix(prefixes[i]);
            }
            proposal.prefixes.push(key);
        }
        emit ScopeProposed(proposalId, numberingAuthority, msg.sender, prefixes);
        _approveScope(proposalId, proposal);
    }

    /// @inheritdoc ITnAuthority
    function approveScope(uint256 proposalId) external {
        _requireGovernor(msg.sender);
        _approveScope(proposalId, _pendingScopeProposal(proposalId));
    }

    /// @inheritdoc ITnAuthority
    function scopeProposal(uint256 proposalId) external view returns (ScopeProposal memory) {
        if (proposalId == 0 || proposalId > _scopeProposalCount) revert UnknownScopeProposal(proposalId);
        StoredScopeProposal storage proposal = _scopeProposals[proposalId];
        return
            ScopeProposal({
                numberingAuthority: proposal.numberingAuthority,
                proposer: proposal.proposer,
                prefixes: _texts(proposal.prefixes),
                executed: proposal.executed,
                approvals: proposal.approvals.current(CONSORTIUM)
            });
    }

    /// @inheritdoc ITnAuthority
    function scopeOf(address numberingAuthority) external view returns (string[] memory prefixes) {
        return _texts(_scopes[numberingAuthority].prefixes);
    }

    /// @inheritdoc ITnAuthority
    function inScope(address numberingAuthority, string calldata prefix) external view returns (bool) {
        return _covers(_scopes[numberingAuthority], TnPrefixLib.parse(prefix).key());
    }

    /// @inheritdoc ITnAuthority
    function grant(uint256 grantId) external view returns (Grant memory) {
        StoredGrant storage stored = _existingGrant(grantId);
        return
            Grant({
                id: grantId,
                kind: stored.kind,
                parentId: stored.parentId,
                grantor: _grantorOf(uint64(grantId)),
                holder: stored.holder,
                prefix: TnPrefix.wrap(uint64(stored.prefix)).toString(),
                validFrom: stored.validFrom,
                validUntil: stored.validUntil,
                allowRedelegation: stored.allowRedelegation,
                revokedAt: stored.revokedAt,
                revokeReason: _revokeReasons[uint64(grantId)]
            });
    }

    /// @inheritdoc ITnAuthority
    function isValid(uint256 grantId, uint64 time) external view returns (bool) {
        if (!_exists(grantId)) return false;
        return _isValid(uint64(grantId), time);
    }

    /// @inheritdoc ITnAuthority
    function whoMayUse(
        string calldata number,
        uint64 time
    ) external view returns (address[] memory holders, uint256[] memory grantIds) {
        uint64[] memory found = _grantsUsable(TnPrefixLib.parse(number), time, address(0), false);
        holders = new address[](found.length);
        grantIds = new uint256[](found.length);
        for (uint256 i = 0; i < found.length; ++i) {
            holders[i] = _grants[found[i]].holder;
            grantIds[i] = found[i];
        }
    }

    /// @inheritdoc ITnAuthority
    function mayUse(string calldata number, address holder, uint64 time) external view returns (bool, uint256) {
        uint64[] memory found = _grantsUsable(TnPrefixLib.parse(number), time, holder, true);
        return found.length == 0 ? (false, 0) : (true, uint256(found[0]));
    }

    /// @inheritdoc ITnAuthority
    function decidingAllocation(string calldata number, uint64 time) external view returns (uint256) {
        return _decidingAllocation(TnPrefixLib.parse(number), time);
    }

    /// @inheritdoc ITnAuthority
    function grantsAt(string calldata prefix) external view returns (uint256[] memory grantIds) {
        uint64 key = TnPrefixLib.parse(prefix).key();
        uint256 count = 0;
        for (uint64 id = _prefixes[key].latestGrant; id != 0; id = _grants[id].previousAtPrefix) ++count;
        grantIds = new uint256[](count);
        for (uint64 id = _prefixes[key].latestGrant; id != 0; id = _grants[id].previousAtPrefix) grantIds[--count] = id;
    }

    /// @inheritdoc ITnAuthority
    function chainOf(uint256 grantId) external view returns (uint256[] memory grantIds) {
        _existingGrant(grantId);
        uint256 depth = 0;
        for (uint64 id = uint64(grantId); id != 0; id = _grants[id].parentId) ++depth;
        grantIds = new uint256[](depth);
        for (uint64 id = uint64(grantId); id != 0; id = _grants[id].parentId) grantIds[--depth] = id;
    }

    /// @inheritdoc ITnAuthority
    function allocationState(
        string calldata prefix
    ) external view returns (uint256 activeAllocationId, uint256 allocationsBelow) {
        PrefixState storage state = _prefixes[TnPrefixLib.parse(prefix).key()];
        uint64 latest = state.latestAllocation;
        if (latest != 0 && _grants[latest].revokedAt == 0) activeAllocationId = latest;
        allocationsBelow = state.allocationsBelow;
    }

    /// @inheritdoc ITnAuthority
    function grantCount() external view returns (uint256) {
        return _grantCount;
    }

    /// @inheritdoc ITnAuthority
    function grantIdOf(
        address caller,
        bytes32 salt,
        GrantKind kind,
        uint256 parentId,
        string calldata prefix,
        address holder
    ) external view returns (uint256) {
        return _deriveId(caller, salt, kind, parentId, prefix, holder);
    }

    /// @inheritdoc ITnAuthority
    function organisations() external view returns (address) {
        return address(ORGANISATIONS);
    }

    /// @inheritdoc ITnAuthority
    function consortium() external view returns (address) {
        return address(CONSORTIUM);
    }

    /// @inheritdoc ITnAuthority
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    // Records `msg.sender`'s approval and sets the scope once a strict majority of the governors in office approve.
    function _approveScope(uint256 proposalId, StoredScopeProposal storage proposal) private {
        if (!proposal.approvals.add(msg.sender)) revert ScopeAlreadyApproved(proposalId, msg.sender);
        uint256 approvals = proposal.approvals.current(CONSORTIUM);
        emit ScopeApproved(proposalId, msg.sender, approvals);
        if (GovernorApprovals.isMajority(approvals, CONSORTIUM.governorCount())) _setScope(proposalId, proposal);
    }

    // Replaces the authority's whole scope (at most 16 old and 16 new entries).
    function _setScope(uint256 proposalId, StoredScopeProposal storage proposal) private {
        address numberingAuthority = proposal.numberingAuthority;
        // The organisation may have changed since the proposal was made: re-check before applying.
        _requireNumberingAuthorityType(numberingAuthority);
        Scope storage scope = _scopes[numberingAuthority];
        proposal.executed = true;
        uint64[] storage old = scope.prefixes;
        for (uint256 i = 0; i < old.length; ++i) delete scope.covers[old[i]];
        delete scope.prefixes;
        uint64[] storage fresh = proposal.prefixes;
        for (uint256 i = 0; i < fresh.length; ++i) {
            scope.prefixes.push(fresh[i]);
            scope.covers[fresh[i]] = true;
        }
        ++scope.version;
        emit NumberingScopeSet(proposalId, numberingAuthority, _texts(fresh));
    }

    function _pendingScopeProposal(uint256 proposalId) private view returns (StoredScopeProposal storage proposal) {
        if (proposalId == 0 || proposalId > _scopeProposalCount) revert UnknownScopeProposal(proposalId);
        proposal = _scopeProposals[proposalId];
        if (proposal.executed) revert ScopeProposalExecuted(proposalId);
        if (proposal.baseVersion != _scopes[proposal.numberingAuthority].version) {
            revert ScopeProposalSuperseded(proposalId);
        }
    }

    function _requireInScope(address numberingAuthority, TnPrefix prefix, string calldata text) private view {
        if (!_covers(_scopes[numberingAuthority], prefix.key())) revert OutsideNumberingScope(numberingAuthority, text);
    }

    // Whether the prefix or one of its shorter prefixes is in the scope: one lookup per digit.
    function _covers(Scope storage scope, uint64 key) private view returns (bool) {
        for (uint64 k = key; k != 0; k /= 11) {
            if (scope.covers[k]) return true;
        }
        return false;
    }

    function _texts(uint64[] storage keys) private view returns (string[] memory texts) {
        texts = new string[](keys.length);
        for (uint256 i = 0; i < keys.length; ++i) texts[i] = TnPrefix.wrap(keys[i]).toString();
    }

    function _requireGovernor(address account) private view {
        if (!CONSORTIUM.isGovernor(account)) revert NotGovernor(account);
    }

    function _requireNumberingAuthorityType(address org) private view {
        (bool found, IOrganisationRegistry.OrgType orgType) = ORGANISATIONS.typeOf(org);
        if (!found || orgType != IOrganisationRegistry.OrgType.NumberingAuthority) revert NotNumberingAuthority(org);
    }

    function _allocate(
        address caller,
        address numberingAuthority,
        GrantTerms calldata terms
    ) private returns (uint256) {
        TnPrefix prefix = TnPrefixLib.parse(terms.prefix);
        _requireNumberingAuthority(caller, numberingAuthority);
        _requireInScope(numberingAuthority, prefix, terms.prefix);
        _requireRecipient(GrantKind.Allocation, IOrganisationRegistry.OrgType.NumberingAuthority, terms.holder, false);
        (uint64 validFrom, uint64 validUntil) = _window(terms.validFrom, terms.validUntil);
        _checkConstraints(terms.constraints);
        _reserveAllocation(prefix, terms.prefix);
        return _record(caller, GrantKind.Allocation, 0, numberingAuthority, prefix, validFrom, validUntil, terms);
    }

    // The ports of a batch in order, or (`only` = i + 1) item i alone. The caller's control of the authority (and its
    // standing) is checked for the first item, and so are the recipient checks of the first item's holder: later items
    // with that holder skip them (nothing a port changes alters their answers within the batch).
    function _portEach(
        address caller,
        address numberingAuthority,
        GrantTerms[] calldata terms,
        PortConsent[] calldata consents,
        uint256 only
    ) private returns (uint256[] memory grantIds) {
        if (only != 0) {
            grantIds = new uint256[](1);
            grantIds[0] = _port(caller, numberingAuthority, terms[only - 1], consents[only - 1], false);
            return grantIds;
        }
        grantIds = new uint256[](terms.length);
        address holder = terms[0].holder;
        for (uint256 i = 0; i < grantIds.length; ++i) {
            grantIds[i] = _port(caller, numberingAuthority, terms[i], consents[i], i != 0 && terms[i].holder == holder);
        }
    }

    // `checked`: a later item of a port batch with the first item's holder, whose authority and recipient checks the
    // first item passed. Every other check runs for every item.
    function _port(
        address caller,
        address numberingAuthority,
        GrantTerms calldata terms,
        PortConsent calldata consent,
        bool checked
    ) private returns (uint256 grantId) {
        TnPrefix prefix = TnPrefixLib.parse(terms.prefix);
        if (!checked) _requireNumberingAuthority(caller, numberingAuthority);
        _requireInScope(numberingAuthority, prefix, terms.prefix);
        if (consent.evidenceHash == bytes32(0)) revert MissingPortEvidence(terms.prefix);
        if (!checked) {
            _requireRecipient(
                GrantKind.Allocation,
                IOrganisationRegistry.OrgType.NumberingAuthority,
                terms.holder,
                false
            );
        }
        (uint64 validFrom, uint64 validUntil) = _window(0, terms.validUntil);
        _checkConstraints(terms.constraints);

        uint64 fromId = _releaseForPort(caller, prefix.key(), terms.prefix);
        grantId = _record(caller, GrantKind.Allocation, 0, numberingAuthority, prefix, validFrom, validUntil, terms);
        emit NumberPorted(
            grantId,
            fromId,
            terms.prefix,
            _grants[fromId].holder,
            terms.holder,
            consent.authority,
            consent.evidenceHash
        );
    }

    // `checked`: a later item of a batch with the first item's holder and start, whose caller, parent, recipient and
    // parent-validity checks the first item passed.
    function _passOn(
        address caller,
        GrantKind kind,
        uint256 parentId,
        GrantTerms calldata terms,
        bool checked
    ) private returns (uint256) {
        TnPrefix prefix = TnPrefixLib.parse(terms.prefix);
        StoredGrant storage parent = _existingGrant(parentId);
        address grantor = checked ? parent.holder : _requireStep(caller, kind, parentId, parent, terms.holder);
        if (grantor == terms.holder) revert SelfGrant(parentId, grantor);
        if (!checked && _depthOf(uint64(parentId)) >= MAX_CHAIN_DEPTH) revert ChainTooDeep(parentId, MAX_CHAIN_DEPTH);
        (uint64 validFrom, uint64 validUntil) = _window(terms.validFrom, terms.validUntil);
        _checkConstraints(terms.constraints);
        if (checked) _requireWithinParent(parentId, parent, validFrom, validUntil);
        else _requireParentValid(parentId, parent, grantor, validFrom, validUntil);
        _requireCovered(prefix, terms.prefix, parent, uint64(parentId));
        return _record(caller, kind, parentId, grantor, prefix, validFrom, validUntil, terms);
    }

    // The arguments reach runGrantBatch in the batch call's own calldata (_runBatch forwards msg.data).
    function _grantBatch(
        GrantKind kind,
        // solhint-disable-next-line no-unused-vars
        uint256 parentOrAuthority,
        GrantTerms[] calldata terms
    ) private returns (uint256[] memory grantIds) {
        return abi.decode(_runBatch(this.runGrantBatch.selector, kind, terms.length), (uint256[]));
    }

    // One item of a grant batch, run alone (to name the first refused item): the single call's checks, all of them.
    function _grantOne(
        address caller,
        GrantKind kind,
        uint256 parentOrAuthority,
        GrantTerms calldata terms
    ) private returns (uint256[] memory grantIds) {
        grantIds = new uint256[](1);
        grantIds[0] =
            kind == GrantKind.Allocation
                ? _allocate(caller, address(uint160(parentOrAuthority)), terms)
                : _passOn(caller, kind, parentOrAuthority, terms, false);
    }

    // Every batch (grants, revocations, ports) runs whole in one call of this contract to itself (`selector`: the
    // batch's run function, with this call's own arguments followed by the kind, which item to run (0: all; i + 1:
    // item i alone) and the caller, as ERC-2771 forwarders append the sender), so that a refusal can be caught; only
    // then are the items run one by one, each on the state the earlier ones left, to name the first one refused (this
    // frame reverts either way). Every item is checked by the same code as a single call, with the original caller,
    // so a batch and single calls give the same ids. One buffer serves every self-call.
    function _runBatch(bytes4 selector, GrantKind kind, uint256 count) private returns (bytes memory result) {
        _requireBatchSize(count);
        bytes memory data = bytes.concat(selector, msg.data[4:], bytes1(uint8(kind)), bytes2(0), bytes20(msg.sender));
        bool ok;
        (ok, result) = _selfCall(data);
        if (ok) return result;
        if (result.length == 0) revert BatchOutOfGas(count);
        uint256 at = data.length - 22;
        for (uint256 item = 1; item <= count; ++item) {
            data[at] = bytes1(uint8(item >> 8));
            data[at + 1] = bytes1(uint8(item));
            (bool itemOk, bytes memory refusal) = _selfCall(data);
            if (itemOk) continue;
            if (refusal.length == 0) revert BatchOutOfGas(count);
            revert BatchItemRefused(item - 1, refusal);
        }
        _bubble(result);
    }

    // A call to this contract itself (a batch run), whose outcome _runBatch checks.
    function _selfCall(bytes memory data) private returns (bool ok, bytes memory result) {
        // slither-disable-next-line low-level-calls
        // solhint-disable-next-line avoid-low-level-calls
        (ok, result) = address(this).call(data);
    }

    // The trailer _runBatch appends: the kind, which item to run (0: all) and the original caller.
    function _forwarded() private view returns (GrantKind kind, uint256 only, address caller) {
        if (msg.sender != address(this)) revert NotBatchSelfCall(msg.sender);
        uint256 end = msg.data.length;
        kind = GrantKind(uint8(bytes1(msg.data[end - 23:end - 22])));
        only = uint16(bytes2(msg.data[end - 22:end - 20]));
        caller = address(bytes20(msg.data[end - 20:end]));
    }

    // Re-raises a revert's data as it is (Solidity has no statement for raw revert data).
    function _bubble(bytes memory reason) private pure {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            revert(add(reason, 32), mload(reason))
        }
    }

    function _startOf(uint64 validFrom) private view returns (uint64) {
        return validFrom < block.timestamp ? uint64(block.timestamp) : validFrom;
    }

    function _requireBatchSize(uint256 count) private pure {
        if (count == 0 || count > MAX_BATCH_ITEMS) revert BatchSizeOutOfRange(count, MAX_BATCH_ITEMS);
    }

    function _revokeAs(address caller, uint256 grantId, uint16 reason) private {
        StoredGrant storage revoked = _existingGrant(grantId);
        if (revoked.revokedAt != 0) revert AlreadyRevoked(grantId, revoked.revokedAt);
        if (reason > 8 && reason < 1000) revert ReservedReason(reason);
        if (!ORGANISATIONS.isController(_grantorOf(uint64(grantId)), caller)) {
            // The Numbering Authority behind the chain may stop any step of it (e.g. for fraud).
            uint64 root = _rootOf(uint64(grantId));
            if (root == grantId || !ORGANISATIONS.isController(_allocationGrantors[root], caller)) {
                revert NotRevoker(grantId, caller);
            }
        }
        _revoke(caller, uint64(grantId), reason);
    }

    // Who granted `grantId`: the Numbering Authority for an allocation, the parent's holder below it.
    function _grantorOf(uint64 grantId) private view returns (address) {
        StoredGrant storage stored = _grants[grantId];
        if (stored.kind == GrantKind.Allocation) return _allocationGrantors[grantId];
        return _grants[stored.parentId].holder;
    }

    // Grants in the chain ending at `grantId`, allocation included (at most MAX_CHAIN_DEPTH).
    function _depthOf(uint64 grantId) private view returns (uint256 depth) {
        for (uint64 id = grantId; id != 0; id = _grants[id].parentId) ++depth;
    }

    // Who passes on to whom: the parent's kind fits the step, the caller controls the parent's holder (the grantor),
    // and the recipient may take this step.
    function _requireStep(
        address caller,
        GrantKind kind,
        uint256 parentId,
        StoredGrant storage parent,
        address holder
    ) private view returns (address grantor) {
        GrantKind parentKind = parent.kind;
        bool parentFits =
            kind == GrantKind.Assignment ? parentKind == GrantKind.Allocation : parentKind != GrantKind.Allocation;
        if (!parentFits) revert WrongParentKind(parentId, parentKind, kind);
        grantor = parent.holder;
        if (!ORGANISATIONS.isController(grantor, caller)) revert NotOrganisationController(grantor, caller);
        (, IOrganisationRegistry.OrgType grantorType) = ORGANISATIONS.typeOf(grantor);
        _requireRecipient(kind, grantorType, holder, parent.allowRedelegation);
    }

    function _requireParentValid(
        uint256 parentId,
        StoredGrant storage parent,
        address grantor,
        uint64 validFrom,
        uint64 validUntil
    ) private view {
        _requireWithinParent(parentId, parent, validFrom, validUntil);
        if (parent.revokedAt != 0) {
            revert ParentRevoked(parentId, _revokeReasons[uint64(parentId)], parent.revokedAt);
        }
        if (!_isValid(uint64(parentId), validFrom)) {
            if (!ORGANISATIONS.isAuthorized(grantor)) revert GrantorNotAuthorized(grantor);
            revert ParentNotValid(parentId, validFrom);
        }
    }

    function _record(
        address caller,
        GrantKind kind,
        uint256 parentId,
        address grantor,
        TnPrefix prefix,
        uint64 validFrom,
        uint64 validUntil,
        GrantTerms calldata terms
    ) private returns (uint64 id) {
        id = _deriveId(caller, terms.salt, kind, parentId, terms.prefix, terms.holder);
        if (id == 0 || _grants[id].sequence != 0) revert GrantIdTaken(id);
        uint64 key = prefix.key();
        PrefixState storage state = _prefixes[key];
        _admitAtPrefix(state, terms.prefix);
        _grants[id] = StoredGrant({
            holder: terms.holder,
            validFrom: uint40(validFrom),
            validUntil: uint40(validUntil),
            kind: kind,
            allowRedelegation: terms.allowRedelegation,
            sequence: ++_grantCount,
            prefix: uint56(key),
            parentId: uint64(parentId),
            previousAtPrefix: state.latestGrant,
            revokedAt: 0
        });
        state.latestGrant = id;
        if (kind == GrantKind.Allocation) {
            state.latestAllocation = id;
            _allocationGrantors[id] = grantor;
        }
        emit GrantRecorded(
            id,
            parentId,
            grantor,
            kind,
            terms.holder,
            terms.prefix,
            validFrom,
            validUntil,
            terms.allowRedelegation,
            terms.credentialHash,
            terms.constraints
        );
    }

    function _admitAtPrefix(PrefixState storage state, string calldata text) private {
        uint64 live = state.liveGrants;
        if (live >= MAX_LIVE_GRANTS_PER_PREFIX) revert TooManyGrantsAtPrefix(text, MAX_LIVE_GRANTS_PER_PREFIX);
        state.liveGrants = live + 1;
    }

    function _revoke(address by, uint64 grantId, uint16 reason) private {
        StoredGrant storage revoked = _grants[grantId];
        uint40 at = uint40(block.timestamp);
        revoked.revokedAt = at;
        if (reason != 0) _revokeReasons[grantId] = reason;
        --_prefixes[revoked.prefix].liveGrants;
        if (revoked.kind == GrantKind.Allocation) {
            for (uint64 k = revoked.prefix / 11; k != 0; k /= 11) --_prefixes[k].allocationsBelow;
        }
        emit GrantRevoked(grantId, by, reason, at);
    }

    // Finds the allocation a port takes the prefix from, revokes it when it sits exactly on the prefix, and counts the
    // coming allocation on the path. The newest unrevoked allocation on the path is also the deepest: nesting only
    // ever comes from a later port.
    function _releaseForPort(address caller, uint64 key, string calldata text) private returns (uint64 fromId) {
        uint32 fromSequence = 0;
        for (uint64 k = key; k != 0; k /= 11) {
            uint64 candidate = _prefixes[k].latestAllocation;
            if (candidate == 0) continue;
            StoredGrant storage stored = _grants[candidate];
            uint32 sequence = stored.sequence;
            if (sequence > fromSequence && stored.revokedAt == 0) (fromId, fromSequence) = (candidate, sequence);
        }
        if (fromId == 0) revert NothingToPort(text);
        uint64 below = _prefixes[key].allocationsBelow;
        if (below != 0) revert AllocationOverlapsBelow(text, below);
        if (_grants[fromId].prefix == key) _revoke(caller, fromId, REASON_NUMBER_PORT);
        for (uint64 k = key / 11; k != 0; k /= 11) ++_prefixes[k].allocationsBelow;
    }

    // Overlap check and bookkeeping in one walk up the path: one slot per digit.
    function _reserveAllocation(TnPrefix prefix, string calldata text) private {
        uint64 key = prefix.key();
        PrefixState storage own = _prefixes[key];
        uint64 here = own.latestAllocation;
        if (here != 0 && _grants[here].revokedAt == 0) revert AllocationOverlaps(text, here);
        if (own.allocationsBelow != 0) revert AllocationOverlapsBelow(text, own.allocationsBelow);
        for (uint64 k = key / 11; k != 0; k /= 11) {
            PrefixState storage above = _prefixes[k];
            uint64 allocation = above.latestAllocation;
            if (allocation != 0 && _grants[allocation].revokedAt == 0) revert AllocationOverlaps(text, allocation);
            ++above.allocationsBelow;
        }
    }

    // The new prefix must lie under the parent's, and no allocation newer than the chain's root may sit between the
    // root's prefix and the new prefix: that would be a number or block ported out of the root's block.
    function _requireCovered(
        TnPrefix prefix,
        string calldata text,
        StoredGrant storage parent,
        uint64 parentId
    ) private view {
        TnPrefix parentPrefix = TnPrefix.wrap(uint64(parent.prefix));
        if (!parentPrefix.covers(prefix)) revert PrefixNotCovered(text, parentPrefix.toString());
        uint64 rootId = _rootOf(parentId);
        StoredGrant storage root = _grants[rootId];
        uint64 rootKey = root.prefix;
        uint32 rootSequence = root.sequence;
        for (uint64 k = prefix.key(); k != rootKey; k /= 11) {
            uint64 allocation = _prefixes[k].latestAllocation;
            if (allocation != 0 && _grants[allocation].sequence > rootSequence)
                revert PrefixPortedOut(text, allocation);
        }
    }

    function _requireWithinParent(
        uint256 parentId,
        StoredGrant storage parent,
        uint64 validFrom,
        uint64 validUntil
    ) private view {
        uint64 parentFrom = parent.validFrom;
        uint64 parentUntil = parent.validUntil;
        bool startsInside = validFrom >= parentFrom;
        bool endsInside = parentUntil == 0 || (validUntil != 0 && validUntil <= parentUntil);
        if (!startsInside || !endsInside) {
            revert WindowOutsideParent(parentId, validFrom, validUntil, parentFrom, parentUntil);
        }
    }

    function _requireNumberingAuthority(address caller, address numberingAuthority) private view {
        (bool found, IOrganisationRegistry.OrgType orgType) = ORGANISATIONS.typeOf(numberingAuthority);
        if (!found) revert UnknownOrganisation(numberingAuthority);
        if (orgType != IOrganisationRegistry.OrgType.NumberingAuthority) {
            revert GrantorTypeNotAllowed(GrantKind.Allocation, numberingAuthority, orgType);
        }
        if (!ORGANISATIONS.isController(numberingAuthority, caller)) {
            revert NotOrganisationController(numberingAuthority, caller);
        }
        if (!ORGANISATIONS.isAuthorized(numberingAuthority)) revert GrantorNotAuthorized(numberingAuthority);
    }

    function _requireRecipient(
        GrantKind kind,
        IOrganisationRegistry.OrgType grantorType,
        address holder,
        bool parentAllowsRedelegation
    ) private view {
        (bool found, IOrganisationRegistry.OrgType recipientType) = ORGANISATIONS.typeOf(holder);
        if (!found) revert UnknownOrganisation(holder);
        if (!_recipientAllowed(kind, grantorType, recipientType, parentAllowsRedelegation)) {
            revert RecipientTypeNotAllowed(kind, grantorType, recipientType);
        }
        if (!ORGANISATIONS.isAuthorized(holder)) revert RecipientNotAuthorized(holder);
    }

    function _recipientAllowed(
        GrantKind kind,
        IOrganisationRegistry.OrgType grantorType,
        IOrganisationRegistry.OrgType recipientType,
        bool parentAllowsRedelegation
    ) private pure returns (bool) {
        if (kind == GrantKind.Allocation) return recipientType == IOrganisationRegistry.OrgType.Tnsp;
        if (kind == GrantKind.Assignment) {
            return
                recipientType == IOrganisationRegistry.OrgType.Tnr ||
                recipientType == IOrganisationRegistry.OrgType.Brand;
        }
        bool toBrand = recipientType == IOrganisationRegistry.OrgType.Brand;
        bool toBpo = recipientType == IOrganisationRegistry.OrgType.Bpo;
        if (!toBrand && !toBpo) return false;
        bool standard =
            (grantorType == IOrganisationRegistry.OrgType.Tnr && toBrand) ||
                (grantorType == IOrganisationRegistry.OrgType.Brand && toBpo);
        return standard || parentAllowsRedelegation;
    }

    function _window(uint64 validFrom, uint64 validUntil) private view returns (uint64, uint64) {
        uint64 start = _startOf(validFrom);
        if (validUntil != 0 && validUntil <= start) revert InvalidWindow(start, validUntil);
        // Stored in 40 bits: both ends before the year 36812.
        if (start > type(uint40).max || validUntil > type(uint40).max) revert InvalidWindow(start, validUntil);
        return (start, validUntil);
    }

    function _checkConstraints(Constraints calldata constraints) private pure {
        uint256 length = bytes(constraints.intendedUse).length;
        if (length > MAX_CONSTRAINT_LENGTH) revert ConstraintTooLong("intendedUse", length, MAX_CONSTRAINT_LENGTH);
    }

    // The content-derived id (ITnAuthority.grantIdOf): chain, contract, caller, salt and the grant's key content.
    function _deriveId(
        address caller,
        bytes32 salt,
        GrantKind kind,
        uint256 parentId,
        string calldata prefix,
        address holder
    ) private view returns (uint64) {
        bytes32 digest = keccak256(
            abi.encode(block.chainid, address(this), caller, salt, kind, parentId, prefix, holder)
        );
        return uint64(uint256(digest));
    }

    function _exists(uint256 grantId) private view returns (bool) {
        return grantId <= type(uint64).max && _grants[uint64(grantId)].sequence != 0;
    }

    // Valid at `time`: unrevoked then, inside its window, holder authorized now, and the same for each ancestor;
    // at the root, the Numbering Authority authorized now. The holder of a parent is the grantor of its child.
    function _isValid(uint64 grantId, uint64 time) private view returns (bool) {
        uint64 id = grantId;
        while (true) {
            StoredGrant storage current = _grants[id];
            uint40 revokedAt = current.revokedAt;
            if (revokedAt != 0 && time >= revokedAt) return false;
            if (time < current.validFrom) return false;
            uint64 validUntil = current.validUntil;
            if (validUntil != 0 && time >= validUntil) return false;
            if (!ORGANISATIONS.isAuthorized(current.holder)) return false;
            uint64 parentId = current.parentId;
            if (parentId == 0) return ORGANISATIONS.isAuthorized(_allocationGrantors[id]);
            id = parentId;
        }
        return false;
    }

    function _rootOf(uint64 grantId) private view returns (uint64 id) {
        id = grantId;
        for (uint64 parentId = _grants[id].parentId; parentId != 0; parentId = _grants[id].parentId) id = parentId;
    }

    // The newest started allocation on the number's path: a port nests a newer allocation inside an older one, and a
    // fresh allocation can only cover an old one's prefix once that one was revoked, so newest wins in both cases.
    function _decidingAllocation(TnPrefix number, uint64 time) private view returns (uint64 deciding) {
        uint32 decidingSequence = 0;
        for (uint64 k = number.key(); k != 0; k /= 11) {
            uint64 started = _startedAllocationAt(k, time);
            if (started == 0) continue;
            uint32 sequence = _grants[started].sequence;
            if (sequence > decidingSequence) (deciding, decidingSequence) = (started, sequence);
        }
    }

    function _startedAllocationAt(uint64 key, uint64 time) private view returns (uint64) {
        uint64 latest = _prefixes[key].latestAllocation;
        if (latest == 0 || _grants[latest].validFrom <= time) return latest;
        // Rare: the newest allocation here starts after `time`; look for an older one that had started.
        for (uint64 id = _grants[latest].previousAtPrefix; id != 0; id = _grants[id].previousAtPrefix) {
            StoredGrant storage older = _grants[id];
            if (older.kind == GrantKind.Allocation && older.validFrom <= time) return id;
        }
        return 0;
    }

    // Valid grants in the deciding allocation's chain on the number's path, shallowest prefix first and oldest first
    // on each prefix; with `onlyHolder`, only `holder`'s and at most one.
    function _grantsUsable(
        TnPrefix number,
        uint64 time,
        address holder,
        bool onlyHolder
    ) private view returns (uint64[] memory usable) {
        uint64 deciding = _decidingAllocation(number, time);
        if (deciding == 0) return usable;
        uint64[] memory candidates = _grantsOnPath(number, _grants[deciding].prefix);
        usable = new uint64[](candidates.length);
        uint256 count = 0;
        for (uint256 i = 0; i < candidates.length; ++i) {
            uint64 id = candidates[i];
            // Revoked by then: no chain walk, no registry calls (the revocation sits in the slot the walk just read).
            uint40 revokedAt = _grants[id].revokedAt;
            if (revokedAt != 0 && time >= revokedAt) continue;
            if (onlyHolder && _grants[id].holder != holder) continue;
            if (_rootOf(id) != deciding || !_isValid(id, time)) continue;
            usable[count++] = id;
            if (onlyHolder) break;
        }
        uint64[] memory trimmed = new uint64[](count);
        for (uint256 i = 0; i < count; ++i) trimmed[i] = usable[i];
        return trimmed;
    }

    // Every grant on the prefixes from `topKey` down to `number`, shallowest prefix first, oldest first per prefix.
    function _grantsOnPath(TnPrefix number, uint64 topKey) private view returns (uint64[] memory ids) {
        uint256 total = 0;
        uint64 k = number.key();
        while (true) {
            for (uint64 id = _prefixes[k].latestGrant; id != 0; id = _grants[id].previousAtPrefix) ++total;
            if (k == topKey) break;
            k /= 11;
        }
        ids = new uint64[](total);
        // Walk deepest first and fill from the end, so each prefix's newest-first list lands oldest first.
        k = number.key();
        while (true) {
            for (uint64 id = _prefixes[k].latestGrant; id != 0; id = _grants[id].previousAtPrefix) ids[--total] = id;
            if (k == topKey) break;
            k /= 11;
        }
    }

    function _existingGrant(uint256 grantId) private view returns (StoredGrant storage) {
        if (!_exists(grantId)) revert UnknownGrant(grantId);
        return _grants[uint64(grantId)];
    }
}
