// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Shared set-up of the numbering tests: a consortium with one member per EIDL actor, each owning an organisation DID,
// the whole trust hierarchy vetted, and shortcuts for grants.
import {EthereumDIDRegistry} from "../identity/EthereumDIDRegistry.sol";
import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {TestBase} from "../testing/TestBase.sol";
import {IOrganisationRegistry} from "./IOrganisationRegistry.sol";
import {ITnAuthority} from "./ITnAuthority.sol";
import {OrganisationRegistry} from "./OrganisationRegistry.sol";
import {TnAuthority} from "./TnAuthority.sol";

abstract contract NumberingHarness is TestBase {
    IOrganisationRegistry.OrgType internal constant KYC = IOrganisationRegistry.OrgType.KycVetter;
    IOrganisationRegistry.OrgType internal constant TNR = IOrganisationRegistry.OrgType.Tnr;
    IOrganisationRegistry.OrgType internal constant BRAND = IOrganisationRegistry.OrgType.Brand;
    IOrganisationRegistry.OrgType internal constant BPO = IOrganisationRegistry.OrgType.Bpo;
    IOrganisationRegistry.OrgType internal constant TNSP = IOrganisationRegistry.OrgType.Tnsp;
    IOrganisationRegistry.OrgType internal constant CSP = IOrganisationRegistry.OrgType.Csp;
    IOrganisationRegistry.OrgType internal constant TA = IOrganisationRegistry.OrgType.TrustAuthority;
    IOrganisationRegistry.OrgType internal constant NA = IOrganisationRegistry.OrgType.NumberingAuthority;
    IOrganisationRegistry.OrgType internal constant OSP = IOrganisationRegistry.OrgType.Osp;
    IOrganisationRegistry.VettingStatus internal constant IN_PROGRESS = IOrganisationRegistry.VettingStatus.InProgress;
    IOrganisationRegistry.VettingStatus internal constant COMPLETE = IOrganisationRegistry.VettingStatus.Complete;
    IOrganisationRegistry.VettingResult internal constant AUTHORIZED = IOrganisationRegistry.VettingResult.Authorized;
    IOrganisationRegistry.VettingResult internal constant NOT_AUTHORIZED = IOrganisationRegistry
        .VettingResult
        .NotAuthorized;
    IOrganisationRegistry.VettingResult internal constant BLACKLISTED = IOrganisationRegistry.VettingResult.Blacklisted;

    // Members (consortium accounts) and the organisation DIDs they control.
    address internal constant TA_MEMBER = address(0xA001);
    address internal constant NA_MEMBER = address(0xA002);
    address internal constant KYC_MEMBER = address(0xA003);
    address internal constant TNSP_MEMBER = address(0xA004);
    address internal constant TNSP2_MEMBER = address(0xA005);
    address internal constant TNR_MEMBER = address(0xA006);
    address internal constant BRAND_MEMBER = address(0xA007);
    address internal constant BPO_MEMBER = address(0xA008);
    address internal constant OSP_MEMBER = address(0xA009);
    address internal constant OUTSIDER = address(0xBAD);

    address internal constant TA_ORG = address(0xD001);
    address internal constant NA_ORG = address(0xD002);
    address internal constant KYC_ORG = address(0xD003);
    address internal constant TNSP_ORG = address(0xD004);
    address internal constant TNSP2_ORG = address(0xD005);
    address internal constant TNR_ORG = address(0xD006);
    address internal constant BRAND_ORG = address(0xD007);
    address internal constant BPO_ORG = address(0xD008);
    address internal constant OSP_ORG = address(0xD009);

    ConsortiumRegistry internal consortium;
    EthereumDIDRegistry internal dids;
    OrganisationRegistry internal orgs;
    TnAuthority internal tn;
    uint256 internal saltCounter;

    function deployConsortium() internal {
        vm.warp(1_700_000_000);
        address[9] memory members = [
            TA_MEMBER,
            NA_MEMBER,
            KYC_MEMBER,
            TNSP_MEMBER,
            TNSP2_MEMBER,
            TNR_MEMBER,
            BRAND_MEMBER,
            BPO_MEMBER,
            OSP_MEMBER
        ];
        bytes32[9] memory memberRoles = [
            Roles.TRUST_AUTHORITY,
            Roles.NUMBERING_AUTHORITY,
            Roles.KYC_VETTER,
            Roles.TNSP,
            Roles.TNSP,
            Roles.TNR,
            Roles.ENTERPRISE,
            Roles.BPO,
            Roles.OSP
        ];
        address[] memory founders = new address[](9);
        string[] memory names = new string[](9);
        bytes32[][] memory roles = new bytes32[][](9);
        for (uint256 i = 0; i < 9; i++) {
            founders[i] = members[i];
            names[i] = "member";
            roles[i] = new bytes32[](1);
            roles[i][0] = memberRoles[i];
        }
        consortium = new ConsortiumRegistry(founders, names, roles);
        dids = new EthereumDIDRegistry();
        orgs = new OrganisationRegistry(consortium, dids);
        tn = new TnAuthority(consortium, orgs);
    }

    /// @dev Hands DID `identity` to `member` and creates its account as that member.
    function createOrg(address identity, address member, IOrganisationRegistry.OrgType orgType) internal {
        vm.prank(identity);
        dids.changeOwner(identity, member);
        vm.prank(member);
        orgs.createAccount(identity, orgType, "Org");
    }

    function vet(address vetter, address org, IOrganisationRegistry.VettingResult result) internal {
        vm.prank(dids.identityOwner(vetter));
        orgs.recordVetting(vetter, org, COMPLETE, result, keccak256(abi.encode(vetter, org, result)));
    }

    /// @dev Every actor with an account; TA vets TNSPs, KYC and OSP; KYC vets TNR, Brand and BPO.
    function deployVettedWorld() internal {
        deployConsortium();
        createOrg(TA_ORG, TA_MEMBER, TA);
        createOrg(NA_ORG, NA_MEMBER, NA);
        createOrg(KYC_ORG, KYC_MEMBER, KYC);
        createOrg(TNSP_ORG, TNSP_MEMBER, TNSP);
        createOrg(TNSP2_ORG, TNSP2_MEMBER, TNSP);
        createOrg(TNR_ORG, TNR_MEMBER, TNR);
        createOrg(BRAND_ORG, BRAND_MEMBER, BRAND);
        createOrg(BPO_ORG, BPO_MEMBER, BPO);
        createOrg(OSP_ORG, OSP_MEMBER, OSP);
        vet(TA_ORG, KYC_ORG, AUTHORIZED);
        vet(TA_ORG, TNSP_ORG, AUTHORIZED);
        vet(TA_ORG, TNSP2_ORG, AUTHORIZED);
        vet(TA_ORG, OSP_ORG, AUTHORIZED);
        vet(KYC_ORG, TNR_ORG, AUTHORIZED);
        vet(KYC_ORG, BRAND_ORG, AUTHORIZED);
        vet(KYC_ORG, BPO_ORG, AUTHORIZED);
        setScope(NA_ORG, wholePlan());
    }

    /// @dev Every country-code digit: a scope covering the whole numbering plan.
    function wholePlan() internal pure returns (string[] memory plan) {
        plan = new string[](9);
        for (uint256 i = 0; i < 9; i++) plan[i] = string(abi.encodePacked(bytes1(uint8(0x31 + i))));
    }

    /// @dev One-prefix list.
    function only(string memory prefix) internal pure returns (string[] memory list) {
        list = new string[](1);
        list[0] = prefix;
    }

    /// @dev Sets `na`'s numbering-plan scope through governance (every founder governs; a majority approves).
    function setScope(address na, string[] memory prefixes) internal returns (uint256 id) {
        vm.prank(TA_MEMBER);
        id = tn.proposeScope(na, prefixes);
        address[] memory current = consortium.members();
        for (uint256 i = 0; i < current.length; i++) {
            if (tn.scopeProposal(id).executed) break;
            if (current[i] == TA_MEMBER) continue;
            vm.prank(current[i]);
            tn.approveScope(id);
        }
    }

    /// @dev A port on the Numbering Authority's order, with evidence held off chain.
    function ordered(string memory prefix) internal pure returns (ITnAuthority.PortConsent memory) {
        return
            ITnAuthority.PortConsent({
                authority: ITnAuthority.PortAuthority.NumberingAuthorityOrder,
                evidenceHash: keccak256(abi.encode("order", prefix))
            });
    }

    /// @dev Terms with a fresh salt each call, as an agent chooses one per write (the grant id derives from it).
    function terms(address holder, string memory prefix) internal returns (ITnAuthority.GrantTerms memory) {
        return
            ITnAuthority.GrantTerms({
                holder: holder,
                prefix: prefix,
                validFrom: 0,
                validUntil: 0,
                allowRedelegation: false,
                credentialHash: keccak256(bytes(prefix)),
                salt: bytes32(++saltCounter),
                constraints: ITnAuthority.Constraints({intendedUse: "", callerHash: bytes32(0)})
            });
    }

    function allocate(address holder, string memory prefix) internal returns (uint256) {
        vm.prank(NA_MEMBER);
        return tn.allocate(NA_ORG, terms(holder, prefix));
    }

    function assign(uint256 parentId, address holder, string memory prefix) internal returns (uint256) {
        vm.prank(dids.identityOwner(tn.grant(parentId).holder));
        return tn.assign(parentId, terms(holder, prefix));
    }

    function delegate(uint256 parentId, address holder, string memory prefix) internal returns (uint256) {
        vm.prank(dids.identityOwner(tn.grant(parentId).holder));
        return tn.delegate(parentId, terms(holder, prefix));
    }

    function port(address holder, string memory prefix) internal returns (uint256) {
        vm.prank(NA_MEMBER);
        return tn.port(NA_ORG, terms(holder, prefix), ordered(prefix));
    }

    function revokeAs(address caller, uint256 grantId, uint16 reason) internal {
        vm.prank(caller);
        tn.revoke(grantId, reason);
    }

    /// @dev Replaces `member`'s roles through governance (every founder governs; a majority approves).
    function setRoles(address member, bytes32[] memory roles) internal {
        vm.prank(TA_MEMBER);
        uint256 id = consortium.propose(IConsortiumRegistry.ProposalKind.SetRoles, member, "", roles, 1 days);
        address[] memory current = consortium.members();
        for (uint256 i = 0; i < current.length; i++) {
            if (consortium.proposal(id).status == IConsortiumRegistry.ProposalStatus.Executed) break;
            if (consortium.hasApproved(id, current[i])) continue;
            vm.prank(current[i]);
            consortium.approve(id);
        }
    }

    function now64() internal view returns (uint64) {
        return uint64(block.timestamp);
    }
}
