// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// EIDL organisation accounts and their vetting. Authorization is never stored: it is derived at read time through
// the trust hierarchy, so withdrawing a vetter's authorization withdraws everything it vetted in the same block.
import {IEthereumDIDRegistry} from "../identity/IEthereumDIDRegistry.sol";
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {IOrganisationRegistry} from "./IOrganisationRegistry.sol";

contract OrganisationRegistry is IOrganisationRegistry {
    /// @notice Longest organisation name, in bytes.
    uint256 public constant MAX_NAME_LENGTH = 128;

    IConsortiumRegistry private immutable CONSORTIUM;
    IEthereumDIDRegistry private immutable DID_REGISTRY;

    // An account exists iff its member is non-zero (createAccount never stores a zero member).
    mapping(address identity => Organisation) private _organisations;
    mapping(address identity => Vetting[]) private _vettings;
    uint256 private _organisationCount;

    constructor(IConsortiumRegistry consortium_, IEthereumDIDRegistry didRegistry_) {
        if (address(consortium_) == address(0)) revert ZeroAddress("consortium");
        if (address(didRegistry_) == address(0)) revert ZeroAddress("didRegistry");
        CONSORTIUM = consortium_;
        DID_REGISTRY = didRegistry_;
    }

    /// @inheritdoc IOrganisationRegistry
    function createAccount(address identity, OrgType orgType, string calldata name) external {
        if (identity == address(0)) revert ZeroIdentity();
        if (_organisations[identity].member != address(0)) revert OrganisationExists(identity);
        address owner = DID_REGISTRY.identityOwner(identity);
        if (msg.sender != owner) revert NotIdentityOwner(identity, msg.sender, owner);
        address member = CONSORTIUM.memberOf(msg.sender);
        if (member == address(0)) revert NotAMemberAccount(msg.sender);
        bytes32 role = roleFor(orgType);
        // The caller itself must hold the role: a bound account only within its binding's scope.
        if (!CONSORTIUM.hasRole(msg.sender, role)) revert RoleRequired(msg.sender, orgType, role);
        uint256 nameLength = bytes(name).length;
        if (nameLength == 0 || nameLength > MAX_NAME_LENGTH) revert InvalidName(nameLength, MAX_NAME_LENGTH);

        _organisations[identity] = Organisation({
            orgType: orgType,
            member: member,
            createdAt: uint64(block.timestamp),
            vettingCount: 0,
            lastCompleteVersion: 0,
            name: name
        });
        ++_organisationCount;
        emit OrganisationCreated(identity, orgType, member, msg.sender, name);
    }

    /// @inheritdoc IOrganisationRegistry
    function recordVetting(
        address vetter,
        address org,
        VettingStatus status,
        VettingResult result,
        bytes32 credentialHash
    ) external {
        Organisation storage subject = _existing(org);
        _requireMayVet(vetter, org, subject);

        // A trailing InProgress record is replaced by the next record, so InProgress never fills the history.
        uint16 count = subject.vettingCount;
        bool replacesInProgress = count != 0 && _vettings[org][count - 1].status == VettingStatus.InProgress;
        uint16 version_ = replacesInProgress ? count : count + 1;
        if (!replacesInProgress && count == type(uint16).max) revert VettingHistoryFull(org);
        uint64 effectiveAt = uint64(block.timestamp);
        Vetting memory record = Vetting({
            status: status,
            result: result,
            vetter: vetter,
            effectiveAt: effectiveAt,
            version: version_,
            credentialHash: credentialHash
        });
        if (replacesInProgress) _vettings[org][count - 1] = record;
        else _vettings[org].push(record);
        subject.vettingCount = version_;
        if (status == VettingStatus.Complete) subject.lastCompleteVersion = version_;
        emit VettingRecorded(org, vetter, status, result, version_, effectiveAt, credentialHash);
    }

    /// @inheritdoc IOrganisationRegistry
    function isAuthorized(address org) external view returns (bool) {
        return _isAuthorized(org);
    }

    /// @inheritdoc IOrganisationRegistry
    function isController(address org, address account) external view returns (bool) {
        address member = _organisations[org].member;
        return
            member != address(0) &&
            DID_REGISTRY.identityOwner(org) == account &&
            CONSORTIUM.memberOf(account) == member;
    }

    /// @inheritdoc IOrganisationRegistry
    function organisation(address identity) external view returns (Organisation memory) {
        return _existing(identity);
    }

    /// @inheritdoc IOrganisationRegistry
    function exists(address identity) external view returns (bool) {
        return _organisations[identity].member != address(0);
    }

    /// @inheritdoc IOrganisationRegistry
    function typeOf(address identity) external view returns (bool found, OrgType orgType) {
        Organisation storage account = _organisations[identity];
        return (account.member != address(0), account.orgType);
    }

    /// @inheritdoc IOrganisationRegistry
    function currentVetting(address org) external view returns (Vetting memory record) {
        uint16 count = _existing(org).vettingCount;
        if (count != 0) record = _vettings[org][count - 1];
    }

    /// @inheritdoc IOrganisationRegistry
    function decidingVetting(address org) external view returns (Vetting memory record) {
        uint16 deciding = _existing(org).lastCompleteVersion;
        if (deciding != 0) record = _vettings[org][deciding - 1];
    }

    /// @inheritdoc IOrganisationRegistry
    function vettingHistory(address org) external view returns (Vetting[] memory) {
        _existing(org);
        return _vettings[org];
    }

    /// @inheritdoc IOrganisationRegistry
    function canVet(OrgType vetterType, OrgType subjectType) public pure returns (bool) {
        if (vetterType == OrgType.TrustAuthority) {
            return
                subjectType == OrgType.Tnsp ||
                subjectType == OrgType.KycVetter ||
                subjectType == OrgType.Osp ||
                subjectType == OrgType.Csp;
        }
        if (vetterType == OrgType.KycVetter) {
            return subjectType == OrgType.Tnr || subjectType == OrgType.Brand || subjectType == OrgType.Bpo;
        }
        return false;
    }

    /// @inheritdoc IOrganisationRegistry
    function roleFor(OrgType orgType) public pure returns (bytes32) {
        if (orgType == OrgType.KycVetter) return Roles.KYC_VETTER;
        if (orgType == OrgType.Tnr) return Roles.TNR;
        if (orgType == OrgType.Brand) return Roles.ENTERPRISE;
        if (orgType == OrgType.Bpo) return Roles.BPO;
        if (orgType == OrgType.Tnsp) return Roles.TNSP;
        if (orgType == OrgType.Csp) return Roles.CSP;
        if (orgType == OrgType.TrustAuthority) return Roles.TRUST_AUTHORITY;
        if (orgType == OrgType.NumberingAuthority) return Roles.NUMBERING_AUTHORITY;
        return Roles.OSP;
    }

    /// @inheritdoc IOrganisationRegistry
    function organisationCount() external view returns (uint256) {
        return _organisationCount;
    }

    /// @inheritdoc IOrganisationRegistry
    function consortium() external view returns (address) {
        return address(CONSORTIUM);
    }

    /// @inheritdoc IOrganisationRegistry
    function didRegistry() external view returns (address) {
        return address(DID_REGISTRY);
    }

    /// @inheritdoc IOrganisationRegistry
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    // Walks the hierarchy upwards: at most subject -> KYC vetter -> Trust Authority, since canVet only lets a root
    // or a KYC vetter vet and only a root vets KYC vetters.
    function _isAuthorized(address org) private view returns (bool) {
        Organisation storage account = _organisations[org];
        address member = account.member;
        if (member == address(0)) return false;
        OrgType orgType = account.orgType;
        if (!CONSORTIUM.hasRole(member, roleFor(orgType))) return false;
        if (orgType == OrgType.TrustAuthority || orgType == OrgType.NumberingAuthority) return true;
        uint16 deciding = account.lastCompleteVersion;
        if (deciding == 0) return false;
        Vetting storage record = _vettings[org][deciding - 1];
        return record.result == VettingResult.Authorized && _isAuthorized(record.vetter);
    }

    function _requireMayVet(address vetter, address org, Organisation storage subject) private view {
        Organisation storage vetterAccount = _existing(vetter);
        if (vetter == org) revert SelfVetting(vetter);
        // A member holding two roles may not vet its own organisations.
        if (subject.member == vetterAccount.member) revert SelfVetting(org);
        _requireController(vetter, vetterAccount);
        OrgType vetterType = vetterAccount.orgType;
        uint16 deciding = subject.lastCompleteVersion;
        bool trustAuthorityOverride =
            vetterType == OrgType.TrustAuthority && deciding != 0 && canVet(OrgType.KycVetter, subject.orgType);
        if (!canVet(vetterType, subject.orgType) && !trustAuthorityOverride) {
            revert VettingNotAllowed(vetter, vetterType, org, subject.orgType);
        }
        if (!_isAuthorized(vetter)) revert VetterNotAuthorized(vetter);
        if (deciding != 0) _requireMaySupersede(vetter, vetterType, org, deciding);
    }

    // Only the deciding vetter or a Trust Authority supersedes a complete vetting; anyone allowed to vet the type may
    // once the deciding vetter has itself lost its authorization (otherwise its subjects could never be re-vetted).
    function _requireMaySupersede(address vetter, OrgType vetterType, address org, uint16 deciding) private view {
        address decidingVetter = _vettings[org][deciding - 1].vetter;
        if (decidingVetter == vetter || vetterType == OrgType.TrustAuthority) return;
        if (!_isAuthorized(decidingVetter)) return;
        revert NotDecidingVetter(org, decidingVetter, vetter);
    }

    function _requireController(address org, Organisation storage account) private view {
        address owner = DID_REGISTRY.identityOwner(org);
        if (msg.sender != owner) revert NotIdentityOwner(org, msg.sender, owner);
        address callerMember = CONSORTIUM.memberOf(msg.sender);
        if (callerMember != account.member) {
            revert NotOrganisationMember(org, msg.sender, callerMember, account.member);
        }
    }

    function _existing(address identity) private view returns (Organisation storage account) {
        account = _organisations[identity];
        if (account.member == address(0)) revert UnknownOrganisation(identity);
    }
}
